# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every Okta module shares: the connection options, the client, and one way to fail.

Internal to this collection; the interface may change without notice.
The options are documented in the `idm.okta_salesforce.okta` doc fragment; keep both in step.
"""

from __future__ import annotations

import contextlib

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.errors import NoLogError

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_auth import DEFAULT_SCOPES, HAS_JWT, JWT_IMPORT_ERROR
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    OktaApiError,
    OktaClient,
    OktaConfigError,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import AppLookupError

OKTA_ARGUMENT_SPEC = dict(
    org_url=dict(type="str", fallback=(env_fallback, ["OKTA_ORG_URL"])),
    api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["OKTA_API_TOKEN"])),
    client_id=dict(type="str", fallback=(env_fallback, ["OKTA_CLIENT_ID"])),
    private_key=dict(type="str", no_log=True, fallback=(env_fallback, ["OKTA_PRIVATE_KEY"])),
    private_key_file=dict(type="path", no_log=False, fallback=(env_fallback, ["OKTA_PRIVATE_KEY_FILE"])),
    key_id=dict(type="str", no_log=False, fallback=(env_fallback, ["OKTA_KEY_ID"])),
    scopes=dict(type="list", elements="str", default=list(DEFAULT_SCOPES), fallback=(env_fallback, ["OKTA_SCOPES"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["OKTA_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["OKTA_CA_PATH"])),
    timeout=dict(type="int", default=30),
    max_retries=dict(type="int", default=4),
)

OKTA_MUTUALLY_EXCLUSIVE = [
    ["api_token", "client_id"],
    ["api_token", "private_key"],
    ["api_token", "private_key_file"],
    ["private_key", "private_key_file"],
]

_CLIENT_OPTIONS = tuple(OKTA_ARGUMENT_SPEC)


class SecretSafeModule(AnsibleModule):
    """AnsibleModule that never shows the value of a no_log option, even when an option has the wrong type.

    Ansible lists the values to hide while it checks the options; a value of the wrong type in an option
    with suboptions (a string where a dict or a list of dicts is expected) stops that listing, and the
    failure would then echo the API token and passwords in `invocation`. The top-level no_log options
    are hidden here whatever happened, and the failure names the option at fault.
    """

    def _hide_no_log_options(self):
        params = self.params if isinstance(getattr(self, "params", None), dict) else {}
        for name, option in (getattr(self, "argument_spec", None) or {}).items():
            value = params.get(name)
            if option.get("no_log") and isinstance(value, str) and value:
                self.no_log_values.add(value)

    def _option_error(self, msg):
        """The first error that names an option, instead of the bare parse error of the no_log listing."""
        errors = getattr(getattr(getattr(self, "validation_result", None), "errors", None), "errors", None) or []
        if not errors or not isinstance(errors[0], NoLogError) or msg != errors[0].msg:
            return msg
        others = [error.msg for error in errors if not isinstance(error, NoLogError)]
        return others[0] if others else msg

    def fail_json(self, msg, **kwargs):
        self._hide_no_log_options()
        super().fail_json(self._option_error(msg), **kwargs)

    def exit_json(self, **kwargs):
        self._hide_no_log_options()
        super().exit_json(**kwargs)


def okta_argument_spec(**extra):
    """OKTA_ARGUMENT_SPEC merged with a module's own options (a module option wins on a name clash)."""
    spec = {name: dict(option) for name, option in OKTA_ARGUMENT_SPEC.items()}
    spec.update(extra)
    return spec


def okta_client_from_module(module, **client_kwargs):
    """An OktaClient from the module's Okta options; fails the module with a clear message if they are wrong.

    `client_kwargs` reach OktaClient as they are (tests pass `sleep` and `clock`).
    """
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    if params.get("client_id") and not params.get("api_token") and not HAS_JWT:
        module.fail_json(msg=missing_required_lib("PyJWT and cryptography (pip install 'PyJWT[crypto]')"),
                         exception=JWT_IMPORT_ERROR)
    options = {name: params.get(name) for name in _CLIENT_OPTIONS if params.get(name) is not None}
    options["org_url"] = params.get("org_url")  # OktaClient says what a missing one means
    if options.get("validate_certs") is False:
        module.warn("validate_certs is false: the Okta server's TLS certificate is not checked, so the connection "
                    "(and the credentials it carries) can be intercepted. Use ca_path for a private CA instead.")
    options.update(client_kwargs)
    try:
        return OktaClient(**options)
    except OktaConfigError as error:
        module.fail_json(msg=str(error))
    return None  # not reached: fail_json exits


def api_calls_result(client):
    """`{"api_calls": n}` for a result: requests sent to Okta by this task (retries included)."""
    return {"api_calls": client.api_calls if client is not None else 0}


def fail_okta_error(module, error, **result):
    """Fail the module with the Okta error's one-line message and its fields in `okta_error`."""
    module.fail_json(msg=str(error), okta_error=error.to_dict(), **result)


@contextlib.contextmanager
def okta_failures(module, client=None, **result):
    """Turn Okta and app-lookup errors raised inside the block into a clean module failure.

    The failure carries `result` (what the module knows so far) and `api_calls` when a client is given:
        with okta_failures(module, client):
            app = find_app(client, app_id=module.params["app_id"])
    """
    try:
        yield
    except OktaApiError as error:
        fail_okta_error(module, error, **dict(result, **(api_calls_result(client) if client is not None else {})))
    except (AppLookupError, OktaConfigError) as error:
        module.fail_json(msg=str(error), **dict(result, **(api_calls_result(client) if client is not None else {})))
