"""The module shell, through real ansible-playbook runs: every module ends each domain error, and a bug,
in its own clean failed result (msg, fields, `changed`, `api_calls`), never in an exception that
escapes to Ansible's module runner (tests/playbook_checks.py tells the two apart; the harness shows tracebacks).

The errors are raised from inside the Okta client of the module process by tests/integration/planted
(a sitecustomize on PYTHONPATH, driven by each task's environment); nothing of it is in plugins/.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

from tests.ansible_env import COLLECTIONS, ensure_collection_link
from tests.playbook_checks import escaped_exception
from tests.integration.test_provisioning_helpers import API_USER, SALESFORCE_APP, credentials, enable_by_hand, writes
from tests.integration.planted.sitecustomize import PLANTED

PLANTED_DIR = Path(__file__).parent / "planted"
PLANT_ENV = {"PYTHONPATH": str(PLANTED_DIR)}
UTILS = "ansible_collections.idm.okta_salesforce.plugins.module_utils"
SF_OPTIONS = {"sf_login_url": "{{ sim_url }}", "sf_ca_path": "{{ sim_ca }}"}

# Each module with arguments that make it call Okta (the planted error fires on the first call).
MODULES = {
    "okta_sf_provisioning": {"app_id": SALESFORCE_APP, "to_app": {"create_users": True}},
    "okta_app_assignment": {"app_id": SALESFORCE_APP, "users": [{"login": "user0001@acme.com"}]},
    "okta_sf_provisioning_info": {"app_id": SALESFORCE_APP},
    "okta_sf_credentials_test": dict(SF_OPTIONS, app_id=SALESFORCE_APP, sf_username=API_USER,
                                     sf_password="{{ sf_password }}", sf_security_token="{{ sf_security_token }}"),
    "okta_sf_sync_info": dict(SF_OPTIONS, app_id=SALESFORCE_APP, sf_username=API_USER,
                              sf_password="{{ sf_password }}", sf_security_token="{{ sf_security_token }}"),
}
# What each domain error adds to the failed result besides msg.
FIELDS = {"OktaApiError": "okta_error", "CredentialsRejected": "fault_code", "PublishedApiOnly": "admin_url",
          "SaveOutcomeUnknown": "admin_url", "ProvisioningError": "admin_url", "AssignmentWritesFailed": "failures"}
BUG = "KeyError"


def domain_errors():
    """Every CollectionError subclass the collection defines (so a new one must be planted here too)."""
    ensure_collection_link()
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))
    package = importlib.import_module(UTILS)
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{UTILS}.{info.name}")
    base = importlib.import_module(f"{UTILS}._errors").CollectionError
    found, todo = {base}, [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(cls.__name__ for cls in found)


def utils_used_by(module: str) -> set:
    """The module_utils files a module imports, directly or through each other (what its payload holds)."""
    plugins = Path(__file__).resolve().parents[2] / "plugins"
    found, todo = set(), [plugins / "modules" / f"{module}.py"]
    while todo:
        tree = ast.parse(todo.pop().read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(UTILS):
                names = [node.module.rsplit(".", 1)[1]] if node.module != UTILS else [a.name for a in node.names]
                for name in names:
                    if name not in found:
                        found.add(name)
                        todo.append(plugins / "module_utils" / f"{name}.py")
    return found


def plantable(module: str) -> list:
    """The domain errors a module can meet: those defined in the module_utils its payload holds."""
    used = utils_used_by(module)
    return sorted(name for name, (defined_in, _build) in PLANTED.items() if defined_in in used)


def planted_task(module, name, error, on=None, skip=0, **args):
    env = {"OKTA_SF_PLANT": error, "OKTA_SF_PLANT_SKIP": str(skip)}
    if on:
        env["OKTA_SF_PLANT_ON"] = on
    return {"name": name, f"idm.okta_salesforce.{module}": args or MODULES[module], "environment": env,
            "ignore_errors": True}


def test_every_domain_error_is_planted_and_met_by_some_module():
    assert sorted(PLANTED) == domain_errors()
    assert set().union(*(plantable(module) for module in MODULES)) == set(PLANTED)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_error_ends_in_the_modules_own_failed_result(simulator, run_playbook, module):
    names = plantable(module) + [BUG]
    tasks = [planted_task(module, name, name) for name in names]
    extra = dict(credentials(simulator), sim_url=simulator.url, sim_ca=str(simulator.ca_path))
    run = run_playbook(tasks, extra_vars=extra, env=PLANT_ENV)
    assert run.rc == 0, run.stdout[-3000:]
    for name in names:
        result = run.result(name)
        assert run.status(name) == "failed", (name, result)
        assert not escaped_exception(result), (name, result.get("msg"), str(result.get("exception"))[-300:])
        assert result["changed"] is False, name
        assert set(result["api_calls"]) == {"total"}, (name, result["api_calls"])   # the planted call was not sent
        if name == BUG:
            assert "a bug" in result["msg"] and "KeyError" in result["msg"] and "Nothing was written" in result["msg"]
        else:
            assert f"planted {name}" in result["msg"] or "planted Okta error" in result["msg"], (name, result["msg"])
            assert FIELDS.get(name, "msg") in result, (name, sorted(result))
    assert writes(simulator) == []


def test_an_error_after_a_write_reports_changed(simulator, run_playbook):
    """A write is accepted, then the error fires on a later request: changed is true, and the bug message says so."""
    enable_by_hand(simulator, user_provisioning={"create": {"lifecycleCreate": {"status": "ENABLED"}}})
    tasks = [
        # find_app's GET of the app goes through; the re-read of the app after the To App write raises.
        planted_task("okta_sf_provisioning", "provisioning", BUG, on=f"GET /api/v1/apps/{SALESFORCE_APP}$", skip=1,
                     app_id=SALESFORCE_APP, to_app={"create_users": False}),
        planted_task("okta_app_assignment", "assignment", "OktaApiError", on="POST", skip=1,
                     app_id=SALESFORCE_APP, users=[{"login": "user0001@acme.com"}, {"login": "user0002@acme.com"}],
                     max_workers=1),
    ]
    run = run_playbook(tasks, env=PLANT_ENV)
    provisioning = run.result("provisioning")
    assert not escaped_exception(provisioning) and run.status("provisioning") == "failed"
    assert provisioning["changed"] is True and "1 write(s) were accepted" in provisioning["msg"]
    assignment = run.result("assignment")
    assert not escaped_exception(assignment) and run.status("assignment") == "failed" and assignment["changed"] is True
    assert [method for method, _path in writes(simulator)] == ["PUT", "POST"]


def test_a_timezone_without_an_import_schedule_fails_cleanly_before_any_write(simulator, run_playbook):
    """The case that used to end in a traceback: on a fresh app and on an enabled one, a clean failure, 0 writes."""
    secrets = credentials(simulator)
    fresh = task_for("fresh app", sf_username=API_USER, sf_password="{{ sf_password }}",
                     sf_security_token="{{ sf_security_token }}", to_okta={"schedule": {"timezone": "UTC"}})
    run = run_playbook([fresh], extra_vars=secrets, env=PLANT_ENV)
    enable_by_hand(simulator)
    enabled = task_for("enabled app", to_okta={"schedule": {"timezone": "UTC"}})
    run_enabled = run_playbook([enabled], env=PLANT_ENV)
    for name, result, status in (("fresh app", run.result("fresh app"), run.status("fresh app")),
                                 ("enabled app", run_enabled.result("enabled app"), run_enabled.status("enabled app"))):
        assert status == "failed" and not escaped_exception(result), (name, result.get("msg"))
        assert "to_okta.schedule.timezone applies to the full and incremental imports" in result["msg"], name
        assert result["changed"] is False, name
    assert writes(simulator) == []


def task_for(name, **args):
    return {"name": name, "idm.okta_salesforce.okta_sf_provisioning": dict(args, app_id=SALESFORCE_APP),
            "ignore_errors": True}


def test_one_result_vocabulary_across_the_four_modules(simulator, run_playbook):
    """api_calls, diff, changed and enum case have one shape in every module, success and check mode alike."""
    enable_by_hand(simulator)
    extra = dict(credentials(simulator), sim_url=simulator.url, sim_ca=str(simulator.ca_path))
    tasks = [{"name": module, f"idm.okta_salesforce.{module}": args} for module, args in MODULES.items()]
    for check, diff in ((True, True), (False, False)):
        simulator.clear_log()
        run = run_playbook(tasks, extra_vars=extra, check=check, diff=diff)
        assert run.rc == 0, run.stdout[-2000:]
        okta_requests = [entry for entry in simulator.request_log() if entry["path"].startswith(("/api/", "/oauth2/"))]
        assert sum(run.result(module)["api_calls"]["total"] for module in MODULES) == len(okta_requests)
        for module in MODULES:
            result = run.result(module)
            calls = result["api_calls"]
            assert calls["total"] == sum(count for method, count in calls.items() if method != "total") > 0, module
            assert set(calls) <= {"GET", "POST", "PUT", "DELETE", "total"}, module
            assert isinstance(result["changed"], bool), module
            assert ("diff" in result) is diff, module
        instance_types = [run.result("okta_sf_provisioning")["app"]["instance_type"],
                          run.result("okta_sf_credentials_test")["app"]["instance_type"],
                          run.result("okta_sf_provisioning_info")["apps"][0]["app"]["instance_type"]]
        assert instance_types == ["production"] * 3
        statuses = [run.result("okta_sf_provisioning")["connection"]["status"],
                    run.result("okta_sf_provisioning_info")["apps"][0]["connection"]["status"]]
        assert statuses == ["ENABLED"] * 2
    assert run.result("okta_sf_provisioning_info")["changed"] is False
    assert run.result("okta_sf_credentials_test")["changed"] is False
    assert run.result("okta_sf_sync_info")["changed"] is False
