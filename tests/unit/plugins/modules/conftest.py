"""Run a module's main() in-process with its arguments patched in; exit_json and fail_json end the run."""
from __future__ import annotations

import json

import pytest
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

OKTA_ENV = ("OKTA_ORG_URL", "OKTA_API_TOKEN", "OKTA_CLIENT_ID", "OKTA_PRIVATE_KEY", "OKTA_PRIVATE_KEY_FILE",
            "OKTA_KEY_ID", "OKTA_SCOPES", "OKTA_VALIDATE_CERTS", "OKTA_CA_PATH", "OKTA_DPOP",
            "SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN", "SF_DOMAIN", "SF_LOGIN_URL", "SF_CA_PATH")
TOKEN = "00SSWS-module-test-token-5c1d"
OKTA = {"org_url": "https://acme.okta.com", "api_token": TOKEN}
# What ansible-core's controller adds to every module's arguments (tracebacks for none of the events, its default
# display_traceback=never). ansible-core 2.19.0 reads a missing key as "tracebacks on", later versions as "off".
CONTROLLER_ARGS = {"_ansible_tracebacks_for": []}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in OKTA_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def run_main(capsys):
    """`run_main(module, args)` -> the JSON result main() ended with (failed results included)."""
    def run(module, args):
        ansible_warnings._global_warnings.clear()   # warnings are process-wide: one run's must not reach the next
        with patch_module_args(dict(CONTROLLER_ARGS, **args)), pytest.raises(SystemExit):
            module.main()
        return json.loads(capsys.readouterr().out)
    return run


def warning_texts(result):
    """The warnings' messages (ansible-core 2.20 returns them as WarningSummary dicts, 2.19 as strings)."""
    return [item if isinstance(item, str) else item["event"]["msg"] for item in result.get("warnings", [])]
