"""How the tests, the benchmark and the demo start ansible-playbook: the collection, the result recorder, tracebacks."""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COLLECTIONS = REPO / "build" / "collections"
CALLBACKS = REPO / "tests" / "integration" / "callback_plugins"
ANSIBLE_PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))


def ensure_collection_link() -> None:
    """build/collections/ansible_collections/idm/okta_salesforce -> the repository (what `make collection` does)."""
    link = COLLECTIONS / "ansible_collections" / "idm" / "okta_salesforce"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(REPO)


def ansible_env(base: dict, workdir: Path, results_file: Path) -> dict:
    """`base` plus what a test run of ansible-playbook needs: this collection only, every result recorded,
    and every error with its traceback (ansible-core 2.19 and 2.20 spell it the same way), which
    tests/playbook_checks.py reads to find exceptions that escaped a module."""
    env = dict(base)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
        "ANSIBLE_CALLBACKS_ENABLED": "record_results",
        "RECORD_RESULTS_FILE": str(results_file),
        "ANSIBLE_DISPLAY_TRACEBACK": "always",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "true",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_LOCAL_TEMP": str(workdir / "tmp"),
        "ANSIBLE_HOME": str(workdir / "ansible_home"),
    })
    return env
