"""docs/reference/ is generated from the modules' and role's own docs: it must match a fresh build, byte for byte."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import docutils.core
import docutils.utils
import pytest

from tests import docs_build

REPO = docs_build.REPO
MODULES = sorted(path.stem for path in (REPO / "plugins" / "modules").glob("*.py") if not path.name.startswith("_"))
ROLES = sorted(path.parent.parent.name for path in (REPO / "roles").glob("*/meta/argument_specs.yml"))


@pytest.fixture(scope="module")
def fresh_docs(tmp_path_factory):
    """One build from the current sources, shared by the tests of this file."""
    dest = tmp_path_factory.mktemp("fresh") / "reference"
    docs_build.build(dest)
    return dest


def test_checked_in_docs_match_a_fresh_build(fresh_docs):
    problems = docs_build.differences(docs_build.DOCS_DIR, fresh_docs)
    assert not problems, docs_build.stale_message(problems)


def test_there_is_one_page_per_module_and_role_and_an_index(fresh_docs):
    assert {"okta_sf_provisioning", "okta_sf_credentials_test", "okta_app_assignment"} <= set(MODULES)
    assert "enable_provisioning" in ROLES
    wanted = {"index.rst"} | {m + "_module.rst" for m in MODULES} | {r + "_role.rst" for r in ROLES}
    assert docs_build.relative_files(fresh_docs) == wanted
    index = (fresh_docs / "index.rst").read_text(encoding="utf-8")
    for page in wanted - {"index.rst"}:
        assert "<%s>" % page in index, "index.rst does not link %s" % page


def test_pages_show_every_option_and_the_examples(fresh_docs):
    page = (fresh_docs / "okta_app_assignment_module.rst").read_text(encoding="utf-8")
    for option in ("org_url", "api_token", "users", "groups", "exclusive", "max_workers"):
        assert 'id="parameter-%s"' % option in page
    assert 'id="parameter-users/login"' in page
    assert 'id="return-added"' in page
    assert "idm.okta_salesforce.okta_app_assignment:" in page  # an EXAMPLES task
    role_page = (fresh_docs / "enable_provisioning_role.rst").read_text(encoding="utf-8")
    assert 'id="parameter-main--okta_sf_org_url"' in role_page


def test_build_is_deterministic_and_has_no_machine_paths(fresh_docs, tmp_path):
    again = tmp_path / "again"
    docs_build.build(again)
    assert docs_build.differences(again, fresh_docs) == []
    for name in docs_build.relative_files(fresh_docs):
        text = (fresh_docs / name).read_text(encoding="utf-8")
        for machine_specific in (str(REPO), str(Path(sys.prefix)), str(tmp_path.parent), os.path.expanduser("~") + "/"):
            assert machine_specific not in text, "%s contains %r" % (name, machine_specific)
        assert "antsibull-docs 2." not in text  # no tool version stamp


@pytest.mark.parametrize("page", ["index.rst"] + [m + "_module.rst" for m in MODULES] + [r + "_role.rst" for r in ROLES])
def test_pages_are_valid_restructuredtext(fresh_docs, page):
    text = (fresh_docs / page).read_text(encoding="utf-8")
    try:
        docutils.core.publish_doctree(text, settings_overrides={"halt_level": 2, "report_level": 2, "warning_stream": False})
    except docutils.utils.SystemMessage as error:
        pytest.fail("%s: %s" % (page, error))


def test_a_stale_copy_is_reported_file_by_file_with_the_fix(fresh_docs, tmp_path):
    stale = tmp_path / "reference"
    shutil.copytree(fresh_docs, stale)
    (stale / "okta_sf_provisioning_module.rst").write_text("old text\n", encoding="utf-8")
    (stale / "okta_app_assignment_module.rst").unlink()
    (stale / "removed_module.rst").write_text("a page of a module that is gone\n", encoding="utf-8")

    problems = docs_build.differences(stale, fresh_docs)

    assert problems[0] == "missing: okta_app_assignment_module.rst"
    assert problems[1] == "not generated any more: removed_module.rst"
    assert problems[2].startswith("changed: okta_sf_provisioning_module.rst\n")
    assert "-old text" in problems[2]
    assert len(problems) == 3
    assert "run `make docs`" in docs_build.stale_message(problems)


def test_check_command_fails_on_stale_docs_and_passes_on_current_ones(fresh_docs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(docs_build, "build", lambda dest: shutil.copytree(fresh_docs, dest))  # built once above
    current = tmp_path / "current"
    shutil.copytree(fresh_docs, current)

    assert docs_build.main(["--check", "--docs-dir", str(current)]) == 0
    (current / "index.rst").write_text("stale\n", encoding="utf-8")
    assert docs_build.main(["--check", "--docs-dir", str(current)]) == 1
    message = capsys.readouterr().err
    assert "changed: index.rst" in message
    assert "run `make docs`" in message


def test_plugin_docs_pass_antsibull_docs_lint(tmp_path):
    """Broken references in the docs' markup (O(), RV(), M()) and schema errors fail here."""
    env = docs_build.ansible_environment(tmp_path)
    lint = subprocess.run(
        [docs_build.tool_path("antsibull-docs"), "lint-collection-docs", "--plugin-docs", "--output-format", "simplified-rst",
         "--validate-collection-refs", "all", "--disallow-unknown-collection-refs", str(docs_build.collection_link(tmp_path))],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
