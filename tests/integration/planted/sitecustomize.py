"""Test-only: plant an exception inside the collection's Okta client of a module process.

Put this directory on PYTHONPATH of an ansible-playbook run; a task then sets, in its `environment`:
  OKTA_SF_PLANT=<ExceptionName>   one of PLANTED below (a domain error of the collection) or a builtin
                                  such as KeyError (stands for a bug)
  OKTA_SF_PLANT_ON=<regex>        which request raises it, matched against "METHOD /path" (default: the first)
  OKTA_SF_PLANT_SKIP=<n>          let the first n matching requests through (default 0)
The request that matches raises instead of being sent, as if the client had raised it. Nothing
here is loaded unless OKTA_SF_PLANT is set, and nothing of it ships in plugins/.
"""
from __future__ import annotations

import builtins
import importlib.util
import os
import re
import sys

TARGET = "ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client"
UTILS = "ansible_collections.idm.okta_salesforce.plugins.module_utils."


def _okta_error(status=500):
    client = importlib.import_module(UTILS + "_okta_client")
    return client.OktaApiError(status=status, error_code="E0000009", summary="planted Okta error",
                               request_id="planted-request-id", method="GET", path="/api/v1/planted")


# How to build each domain error the collection defines: its module and its arguments.
PLANTED = {
    "CollectionError": ("_errors", lambda cls: cls("planted CollectionError")),
    "InputError": ("_errors", lambda cls: cls("planted InputError")),
    "OktaApiError": ("_okta_client", lambda cls: _okta_error()),
    "OktaConfigError": ("_okta_auth", lambda cls: cls("planted OktaConfigError")),
    "AppLookupError": ("_okta_apps", lambda cls: cls("planted AppLookupError")),
    "CredentialsInputError": ("_okta_api_integration", lambda cls: cls("planted CredentialsInputError")),
    "CredentialsRejected": ("_okta_api_integration",
                            lambda cls: cls("planted CredentialsRejected", "INVALID_LOGIN", _okta_error(400))),
    "PublishedApiOnly": ("_okta_api_integration",
                         lambda cls: cls("planted PublishedApiOnly", "https://planted-admin.example/admin", _okta_error(400))),
    "SaveOutcomeUnknown": ("_okta_api_integration",
                           lambda cls: cls("planted SaveOutcomeUnknown", "https://planted-admin.example/admin", _okta_error(502))),
    "ProvisioningError": ("_provisioning", lambda cls: cls("planted ProvisioningError", admin_url="https://planted-admin.example/p")),
    "SettingsInputError": ("_provisioning_settings", lambda cls: cls("planted SettingsInputError")),
    "AssignmentInputError": ("_assignments", lambda cls: cls("planted AssignmentInputError")),
    "AssignmentWritesFailed": ("_assignments", lambda cls: cls("planted AssignmentWritesFailed", failures=[{"user": "x"}])),
    "SalesforceInputError": ("_salesforce", lambda cls: cls("planted SalesforceInputError")),
    "SyncHealthError": ("_sync_health", lambda cls: cls("planted SyncHealthError")),
}


def planted_exception(name):
    if name in PLANTED:
        module_name, build = PLANTED[name]
        return build(getattr(importlib.import_module(UTILS + module_name), name))
    return getattr(builtins, name)("planted bug")


def _patch(module):
    original = module.OktaClient.request
    pattern = re.compile(os.environ.get("OKTA_SF_PLANT_ON") or ".")
    skip = [int(os.environ.get("OKTA_SF_PLANT_SKIP") or 0)]

    def request(self, method, path, *args, **kwargs):
        if pattern.search(f"{method.upper()} {path}"):
            skip[0] -= 1
            if skip[0] < 0:
                raise planted_exception(os.environ["OKTA_SF_PLANT"])
        return original(self, method, path, *args, **kwargs)

    module.OktaClient.request = request


class _PlantFinder:
    """Finds the client module with the other finders, and patches it once it is loaded."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != TARGET:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            if module.__name__ == TARGET:   # a zip's loader is shared by every module in it
                _patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


if os.environ.get("OKTA_SF_PLANT"):
    sys.meta_path.insert(0, _PlantFinder())
