# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation of the Salesforce admin session options (sf_admin_*)."""

from __future__ import annotations


class ModuleDocFragment:
    """`idm.okta_salesforce.salesforce_admin`: the O(sf_admin_username) ... options.

    The argument spec that goes with it is the `sf_admin_*` part of `_salesforce_oauth.OAUTH_ARGUMENT_SPEC`.
    """

    DOCUMENTATION = r"""
options:
  sf_admin_username:
    description:
      - Salesforce administrator the admin session's token is issued for (OAuth 2.0 JWT bearer flow).
      - The admin session is a Salesforce session of an administrator (not of the integration user); what each module
        reads or writes through it is in its description.
      - If not set, the value of the E(SF_ADMIN_USERNAME) environment variable is used.
    type: str
  sf_admin_consumer_key:
    description:
      - Consumer key of the admin session's connected app or external client app. Setting any C(sf_admin_*) option
        opens the admin session.
      - If not set, the value of the E(SF_ADMIN_CONSUMER_KEY) environment variable is used.
    type: str
  sf_admin_private_key:
    description:
      - PEM private key whose certificate is uploaded to the admin app (JWT bearer flow, with O(sf_admin_username)).
      - Mutually exclusive with O(sf_admin_private_key_file) and O(sf_admin_consumer_secret). Never logged or returned.
      - simple-salesforce sends the token request to C(https://{sf_domain}.salesforce.com) and names that URL as the
        assertion's audience; Salesforce's JWT bearer flow documents C(login.salesforce.com) and C(test.salesforce.com)
        as audiences, so keep O(sf_domain) V(login) (or V(test) for a sandbox) for this flow.
      - If not set, the value of the E(SF_ADMIN_PRIVATE_KEY) environment variable is used.
    type: str
  sf_admin_private_key_file:
    description:
      - Path of that PEM private key on the host that runs the module, instead of O(sf_admin_private_key).
      - If not set, the value of the E(SF_ADMIN_PRIVATE_KEY_FILE) environment variable is used.
    type: path
  sf_admin_consumer_secret:
    description:
      - Consumer secret of the admin app, for the OAuth 2.0 client credentials flow (the token is issued for the app's
        Run As user). That flow works only on the org's My Domain, so set O(sf_domain) to it. Never logged or returned.
      - If not set, the value of the E(SF_ADMIN_CONSUMER_SECRET) environment variable is used.
    type: str
"""
