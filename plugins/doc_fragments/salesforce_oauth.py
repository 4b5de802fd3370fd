# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation of the Salesforce integration version options (sf_auth, the OAuth consumer key and secret)."""

from __future__ import annotations


class ModuleDocFragment:
    """`idm.okta_salesforce.salesforce_oauth`: O(sf_auth), O(sf_consumer_key), O(sf_consumer_secret).

    The argument spec that goes with it is `_integration_versions.SF_AUTH_ARGUMENT_SPEC`.
    """

    DOCUMENTATION = r"""
options:
  sf_auth:
    description:
      - Which of Okta's two Salesforce integration versions to use.
      - V(password_token) is the original "Enable Salesforce provisioning" procedure; Okta holds the API user's
        username and password + security token (the connection's C(authScheme) C(TOKEN)). It relies on Salesforce's
        SOAP C(login()), which Salesforce retires (API versions above 64.0, Summer '27; off by default in orgs created
        from Winter '26).
      - V(oauth) is Okta's "OAuth and REST" integration, the default version for new Okta orgs; Okta holds the
        consumer key and consumer secret of a Salesforce connected app or external client app (the connection's
        C(authScheme) C(OAUTH2)), and an admin gives the consent once in a browser ("Authenticate with Salesforce.com").
      - The version an app uses is read from its connection's C(authScheme) and returned as C(connection.version).
      - If not set, the value of the E(SF_AUTH) environment variable is used.
    type: str
    choices: [password_token, oauth]
    default: password_token
  sf_consumer_key:
    description:
      - O(sf_auth=oauth) only. Consumer key of the Salesforce connected app (or external client app) that Okta
        provisions through. It is Okta's C(clientId) for the connection and is returned.
      - O(sf_consumer_secret) needs it. Given alone, it is compared with the key Okta holds (a different one needs the
        secret too). Refused when it starts with, ends with or contains whitespace.
      - If not set, the value of the E(SF_CONSUMER_KEY) environment variable is used.
    type: str
  sf_consumer_secret:
    description:
      - O(sf_auth=oauth) only. Consumer secret of that connected app. Okta never returns it.
      - Refused when it starts with, ends with or contains whitespace.
      - If not set, the value of the E(SF_CONSUMER_SECRET) environment variable is used.
      - Never logged or returned.
    type: str
"""
