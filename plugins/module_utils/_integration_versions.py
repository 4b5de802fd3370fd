# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Okta's two Salesforce integration versions, one vocabulary (internal).

`password_token`: the original "Enable Salesforce provisioning" procedure (API user's username, password +
security token; the connection's authScheme TOKEN). `oauth`: Okta's "OAuth and REST" integration, the
default for new orgs (a Salesforce connected app's or external client app's consumer key and secret, then a
browser consent, "Authenticate with Salesforce.com"; authScheme OAUTH2).

The Salesforce-side settings Okta's "Configure OAuth and REST integration" page lists are kept here as data,
not code, so that they follow Okta's page in one place (sources in /work/shared/okta-salesforce-api.md §5:
help.okta.com, "Configure OAuth and REST integration" for Salesforce).
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

PASSWORD_TOKEN = "password_token"
OAUTH = "oauth"
VERSIONS = (PASSWORD_TOKEN, OAUTH)

# Okta's connection authScheme of each version (public enum ProvisioningConnectionAuthScheme).
AUTH_SCHEMES = {PASSWORD_TOKEN: "TOKEN", OAUTH: "OAUTH2"}
_VERSION_OF_SCHEME = {scheme: version for version, scheme in AUTH_SCHEMES.items()}

# What the Salesforce connected app (or external client app) must have for Okta's OAuth version.
OKTA_OAUTH_CALLBACK_URL = "https://system-admin.okta.com/admin/app/generic/oauth20redirect"
OKTA_OAUTH_SCOPES = (
    ("api", "Manage user data via APIs (api)"),
    ("refresh_token offline_access", "Perform requests at any time (refresh_token, offline_access)"),
)

# The options both the provisioning module and the credentials test take (doc fragment
# idm.okta_salesforce.salesforce_oauth). Env names follow the sf_* options' pattern (SF_USERNAME, ...).
SF_AUTH_ARGUMENT_SPEC = dict(
    sf_auth=dict(type="str", choices=list(VERSIONS), default=PASSWORD_TOKEN, fallback=(env_fallback, ["SF_AUTH"])),
    sf_consumer_key=dict(type="str", no_log=False, fallback=(env_fallback, ["SF_CONSUMER_KEY"])),
    sf_consumer_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["SF_CONSUMER_SECRET"])),
)


def version_of(auth_scheme):
    """`password_token` for TOKEN, `oauth` for OAUTH2, None for UNKNOWN or no scheme."""
    return _VERSION_OF_SCHEME.get(auth_scheme)


def oauth_setup_steps(admin_url):
    """The Admin Console steps of the OAuth version, for messages: the consumer key and secret, then the consent."""
    scopes = " and ".join(f'"{label}"' for _scope, label in OKTA_OAUTH_SCOPES)
    return (
        "In Salesforce, create a connected app (or an external client app) with OAuth enabled, callback URL "
        f"{OKTA_OAUTH_CALLBACK_URL} , scopes {scopes}, a secret required for the web server and refresh token flows, "
        "permitted users \"All users may self-authorize\" and refresh tokens valid until revoked; note its consumer key "
        f"and consumer secret. In the Okta Admin Console ({admin_url} ), Provisioning > Configure API Integration: "
        "enable the API integration, enter the consumer key and consumer secret, click \"Authenticate with "
        "Salesforce.com\", sign in to Salesforce as the integration user and allow access, then Save."
    )
