# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """The Okta connection options shared by every module (see plugins/module_utils/_okta_module.py)."""

    DOCUMENTATION = r"""
options:
  org_url:
    description:
      - Base URL of the Okta org, such as V(https://acme.okta.com) or a custom domain, without a path.
      - Not the Admin Console's address (V(https://acme-admin.okta.com)); such a URL is refused, naming the org URL to use.
      - Required to talk to Okta.
      - Must use C(https). Plain C(http) is accepted only for loopback hosts (V(127.0.0.0/8), V(::1), V(localhost)),
        such as a local test server.
      - If not set, the value of the E(OKTA_ORG_URL) environment variable is used.
    type: str
  api_token:
    description:
      - "Okta API token, sent as C(Authorization: SSWS <token>)."
      - Set exactly one auth method, either O(api_token) or O(client_id) with O(private_key) or O(private_key_file).
      - If not set, the value of the E(OKTA_API_TOKEN) environment variable is used.
    type: str
  client_id:
    description:
      - Client ID of an Okta API service app, for OAuth 2.0 client credentials with C(private_key_jwt).
      - Needs O(private_key) or O(private_key_file). Mutually exclusive with O(api_token).
      - If not set, the value of the E(OKTA_CLIENT_ID) environment variable is used.
    type: str
  private_key:
    description:
      - "The service app's private key, as text: an unencrypted PEM (RSA, or EC P-256/P-384/P-521) or a private JWK."
      - RSA keys sign the client assertion with RS256, EC keys with ES256 (ES384, ES512 for the larger curves).
      - Mutually exclusive with O(private_key_file).
      - If not set, the value of the E(OKTA_PRIVATE_KEY) environment variable is used.
    type: str
  private_key_file:
    description:
      - Path to a file holding the private key, in the formats O(private_key) accepts.
      - If not set, the value of the E(OKTA_PRIVATE_KEY_FILE) environment variable is used.
    type: path
  key_id:
    description:
      - Key ID (C(kid)) of the service app's public key in Okta, sent in the client assertion's header.
      - Needed when the service app has more than one key. A private JWK's own C(kid) is used when this is not set.
      - If not set, the value of the E(OKTA_KEY_ID) environment variable is used.
    type: str
  scopes:
    description:
      - OAuth 2.0 scopes to request; granted to the service app in Okta beforehand.
      - Items may also be strings of scopes separated by spaces or commas.
      - If not set, the value of the E(OKTA_SCOPES) environment variable is used, then the default.
      - A change that needs a scope Okta did not grant the access token (for example C(okta.apps.manage)) fails
        before it is sent, naming the scope; check mode needs only the C(.read) scopes.
      - Ignored with O(api_token).
    type: list
    elements: str
    default:
      - okta.apps.read
      - okta.apps.manage
      - okta.users.read
      - okta.groups.read
      - okta.schemas.read
  dpop:
    description:
      - OAuth 2.0 Demonstrating Proof-of-Possession (DPoP, RFC 9449) for the access token. An Okta API service app
        requires it when its setting "Require Demonstrating Proof of Possession (DPoP) header in token requests" is on,
        as it is for new service apps.
      - "With DPoP, every token request and API call carries a new proof signed by a key made for the run (EC P-256),
        the access token is bound to that key and sent as C(Authorization: DPoP <token>), and a nonce Okta asks for
        (C(use_dpop_nonce)) is added to the proof and the request sent again once."
      - V(auto) asks for a token without a proof, and switches to DPoP when Okta answers that the service app requires it
        (C(invalid_dpop_proof)); the token answer's C(token_type) decides between DPoP and Bearer.
      - V(always) sends a proof from the first token request (one token request fewer for an app that requires DPoP).
      - V(never) sends no proofs; with a service app that requires DPoP the task fails, naming this option.
      - If not set, the value of the E(OKTA_DPOP) environment variable is used, then the default.
      - Ignored with O(api_token).
    type: str
    choices: [auto, always, never]
    default: auto
  validate_certs:
    description:
      - Whether to check the Okta server's TLS certificate.
      - Set to V(false) only for a lab; the module then warns. Prefer O(ca_path) for a private CA.
      - If not set, the value of the E(OKTA_VALIDATE_CERTS) environment variable is used, then the default.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificates to trust for the Okta server, instead of the system store.
      - If not set, the value of the E(OKTA_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for Okta to accept a connection, and for each answer.
    type: int
    default: 30
  max_retries:
    description:
      - How many times to retry one request after a rate-limit answer (HTTP 429), a server error (HTTP 5xx) or a
        connection error, with jittered exponential backoff; after a 429 the retry waits until Okta's rate-limit window resets.
      - Requests that change something and are not safe to repeat (most C(POST)s) are retried only when Okta refused
        them without acting (HTTP 429) or when the connection failed before they were sent.
      - V(0) disables retries.
    type: int
    default: 4
notes:
  - Requests are paced from Okta's C(X-Rate-Limit-*) headers. They go at full speed while the budget of the window lasts,
    then wait until the window resets, by Okta's clock (estimated from the C(Date) headers of its answers).
  - Secrets (API token, private key, client assertion, access token, DPoP proofs, Salesforce password) are never shown
    in error messages.
requirements:
  - requests
  - PyJWT and cryptography (only for OAuth 2.0 auth with O(client_id))
"""
