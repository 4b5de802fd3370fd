"""`ansible-doc idm.okta_salesforce.<module>` and `ansible-doc -t role ...` work and show every option the code accepts.

The options are taken from what the code really declares: each module's argument_spec (captured by
stopping AnsibleModule before it reads any input) and each role's meta/argument_specs.yml.
"""
from __future__ import annotations

import importlib
import re
import subprocess

import pytest
import yaml

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import okta_argument_spec

from tests import docs_build

REPO = docs_build.REPO
COLLECTION = docs_build.COLLECTION
MODULES = sorted(path.stem for path in (REPO / "plugins" / "modules").glob("*.py") if not path.name.startswith("_"))
ROLE_SPECS = sorted((REPO / "roles").glob("*/meta/argument_specs.yml"))
HEADING = re.compile(r"^(?P<indent> *)[-=] (?P<name>[^\s]+)(?: {2,}|$)")  # "- name  text" ("=" when required)
SECTION = re.compile(r"^[A-Za-z]")  # OPTIONS, ATTRIBUTES, EXAMPLES, ENTRY POINT ... start at column 0


class _ArgumentSpecSeen(Exception):
    def __init__(self, kwargs):
        super().__init__("argument_spec captured")
        self.kwargs = kwargs


def module_argument_spec(name, monkeypatch):
    """The argument_spec the module passes to AnsibleModule in main()."""
    module = importlib.import_module("ansible_collections.idm.okta_salesforce.plugins.modules." + name)

    def capture(*args, **kwargs):
        spec = kwargs.get("argument_spec", args[0] if args else None)
        raise _ArgumentSpecSeen(dict(kwargs, argument_spec=okta_argument_spec(**spec)))

    # Modules instantiate the collection's module shell, which adds the Okta options to their own.
    monkeypatch.setattr(module, "OktaModule", capture)
    with pytest.raises(_ArgumentSpecSeen) as seen:
        module.main()
    return seen.value.kwargs["argument_spec"]


def option_paths(spec, prefix=()):
    """Every option and suboption of an argument spec, as tuples of names."""
    for name, option in (spec or {}).items():
        yield prefix + (name,)
        yield from option_paths(option.get("options"), prefix + (name,))


def shown_option_paths(lines):
    """The option headings ansible-doc printed in an options section, nested by their indentation."""
    shown, parents = set(), []
    for line in lines:
        match = HEADING.match(line)
        if not match:
            continue
        indent = len(match.group("indent"))
        while parents and parents[-1][0] >= indent:
            parents.pop()
        path = tuple(parent for _indent, parent in parents) + (match.group("name"),)
        shown.add(path)
        parents.append((indent, match.group("name")))
    return shown


def section(lines, starts):
    """The lines after the first line matching starts, up to the next top-level section."""
    begin = next(i for i, line in enumerate(lines) if re.match(starts, line))
    end = next((i for i in range(begin + 1, len(lines)) if SECTION.match(lines[i])), len(lines))
    return lines[begin + 1:end]


def entry_point_lines(lines, entry_point):
    """The lines of one role entry point, up to the next one."""
    header = re.compile(r"ENTRY POINT: \*?%s\*? " % re.escape(entry_point))
    begin = next(i for i, line in enumerate(lines) if header.match(line))
    end = next((i for i in range(begin + 1, len(lines)) if lines[i].startswith("ENTRY POINT:")), len(lines))
    return lines[begin:end]


def ansible_doc(tmp_path, *args):
    done = subprocess.run([docs_build.tool_path("ansible-doc"), *args], cwd=tmp_path,
                          env=docs_build.ansible_environment(tmp_path), capture_output=True, text=True, check=False)
    assert done.returncode == 0, "ansible-doc %s failed (rc %d):\n%s%s" % (" ".join(args), done.returncode, done.stdout, done.stderr)
    assert COLLECTION not in done.stderr, done.stderr  # no warning or error about our own content
    return done.stdout


def test_the_collection_has_the_three_modules_and_the_role():
    assert {"okta_sf_provisioning", "okta_sf_credentials_test", "okta_app_assignment"} <= set(MODULES)
    assert REPO / "roles" / "enable_provisioning" / "meta" / "argument_specs.yml" in ROLE_SPECS


@pytest.mark.parametrize("name", MODULES)
def test_ansible_doc_shows_every_option_of_the_module(name, tmp_path, monkeypatch):
    wanted = set(option_paths(module_argument_spec(name, monkeypatch)))
    assert {("org_url",), ("api_token",)} <= wanted  # the shared Okta options were captured too

    text = ansible_doc(tmp_path, "%s.%s" % (COLLECTION, name))
    lines = text.splitlines()

    assert lines[0].startswith("> MODULE %s.%s " % (COLLECTION, name)), lines[0]
    shown = shown_option_paths(section(lines, r"OPTIONS\b"))
    missing, unknown = wanted - shown, shown - wanted
    assert not missing, "ansible-doc %s.%s does not show: %s" % (COLLECTION, name, sorted(".".join(p) for p in missing))
    assert not unknown, "ansible-doc %s.%s shows options the module does not accept: %s" % (
        COLLECTION, name, sorted(".".join(p) for p in unknown))
    for part in ("EXAMPLES:", "RETURN VALUES:", "ATTRIBUTES:"):
        assert part in lines, "ansible-doc %s.%s has no %s section" % (COLLECTION, name, part)


@pytest.mark.parametrize("spec_file", ROLE_SPECS, ids=lambda path: path.parent.parent.name)
def test_ansible_doc_shows_every_option_of_each_role_entry_point(spec_file, tmp_path):
    role = spec_file.parent.parent.name
    entry_points = yaml.safe_load(spec_file.read_text(encoding="utf-8"))["argument_specs"]
    assert "main" in entry_points

    lines = ansible_doc(tmp_path, "-t", "role", "%s.%s" % (COLLECTION, role)).splitlines()

    assert re.match(r"> ROLE: \*?%s\.%s\*? " % (re.escape(COLLECTION), role), lines[0]), lines[0]
    for entry_point, spec in entry_points.items():
        entry_lines = entry_point_lines(lines, entry_point)
        wanted = set(option_paths(spec.get("options")))
        missing = wanted - shown_option_paths(section(entry_lines, r"Options\b"))
        assert not missing, "ansible-doc -t role %s.%s, entry point %s, does not show: %s" % (
            COLLECTION, role, entry_point, sorted(".".join(p) for p in missing))
