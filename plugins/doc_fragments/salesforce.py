# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation of the Salesforce options."""

from __future__ import annotations


class ModuleDocFragment:
    """`idm.okta_salesforce.salesforce`: logging in to Salesforce as the API user (all options).

    `idm.okta_salesforce.salesforce.credentials`: only the three credential options, for modules
    that hand the credentials to Okta instead of logging in themselves.
    """

    DOCUMENTATION = r"""
options:
  sf_username:
    description:
      - Username of the Salesforce API user that Okta provisions with, for example V(okta.api@acme.com).
      - Required for a login with O(sf_password); with an admin session (C(sf_admin_*)) it names the user checked.
      - If not set, the value of the E(SF_USERNAME) environment variable is used.
    type: str
  sf_password:
    description:
      - Password of the Salesforce API user, without the security token.
      - The module joins password and security token itself; do not join them yourself. A password that already
        ends with O(sf_security_token) is refused before anything is sent.
      - Refused when it starts with, ends with or contains whitespace.
      - If not set, the value of the E(SF_PASSWORD) environment variable is used.
      - Never logged or returned.
      - Required unless C(sf_auth=oauth) or an admin session (C(sf_admin_*)) checks the user without a login.
    type: str
  sf_security_token:
    description:
      - Security token of the Salesforce API user (Salesforce emails a new one after every password change or reset).
      - Leave it out only when this host's address is in the org's trusted IP ranges.
      - Refused when it starts with, ends with or contains whitespace.
      - If not set, the value of the E(SF_SECURITY_TOKEN) environment variable is used.
      - Never logged or returned.
    type: str
  sf_domain:
    description:
      - The Salesforce login domain, without C(.salesforce.com).
      - V(login) for production and Developer Edition orgs, V(test) for sandboxes, or a My Domain such as
        V(acme.my) or V(acme--uat.sandbox.my).
      - Ignored when O(sf_login_url) is set.
      - If not set, the value of the E(SF_DOMAIN) environment variable is used.
    type: str
    default: login
  sf_login_url:
    description:
      - Full base URL of the Salesforce login server, for example V(https://acme.my.salesforce.com) or a test server.
      - Overrides O(sf_domain). Must be C(https://) (plain C(http://) only for loopback addresses) and have no path.
      - If not set, the value of the E(SF_LOGIN_URL) environment variable is used.
    type: str
  sf_api_version:
    description:
      - Salesforce API version used for the SOAP login and the REST queries.
      - The SOAP C(login) call does not exist from API version 65.0 on, so values above V(64.0) log a warning and the login is
        expected to fail.
    type: str
    default: "64.0"
  sf_validate_certs:
    description:
      - Whether to verify the Salesforce server's TLS certificate.
      - Set to V(false) only for throwaway test servers.
    type: bool
    default: true
  sf_ca_path:
    description:
      - PEM file of the CA bundle to verify Salesforce's certificate with (for example a TLS-inspecting proxy's CA).
      - When set, it is used instead of the system CA store and O(sf_validate_certs) is ignored.
      - If not set, the value of the E(SF_CA_PATH) environment variable is used.
    type: path
  sf_timeout:
    description:
      - Seconds to wait for Salesforce to connect and to answer, for every request including the SOAP login.
    type: float
    default: 30
"""

    CREDENTIALS = r"""
options:
  sf_username:
    description:
      - Username of the Salesforce API user that Okta provisions with, for example V(okta.api@acme.com).
      - If not set, the value of the E(SF_USERNAME) environment variable is used.
    type: str
  sf_password:
    description:
      - Password of the Salesforce API user, without the security token.
      - The module joins password and security token itself; do not join them yourself. A password that already
        ends with O(sf_security_token) is refused before anything is sent.
      - Refused when it starts with, ends with or contains whitespace.
      - If not set, the value of the E(SF_PASSWORD) environment variable is used.
      - Never logged or returned.
    type: str
  sf_security_token:
    description:
      - Security token of the Salesforce API user (Salesforce emails a new one after every password change or reset).
      - Refused when it starts with, ends with or contains whitespace.
      - If not set, the value of the E(SF_SECURITY_TOKEN) environment variable is used.
      - Never logged or returned.
    type: str
"""
