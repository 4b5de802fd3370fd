"""What ships beside the modules: the execution environment, the AWX credential types, the ansible-core range.

The credential types are checked against the modules' own code: every environment variable they
inject must be one the modules fall back to (read from the argument specs in plugins/), and
documented in the modules' docs, so a rename on either side fails here.
"""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.ansible_env import REPO

BIN = Path(sys.executable).parent
EE_DEFINITION = REPO / "extensions" / "awx" / "execution-environment.yml"
DE_DEFINITION = REPO / "extensions" / "eda" / "decision-environment.yml"
CREDENTIAL_TYPES = sorted((REPO / "extensions" / "awx" / "credential_types").glob("*.yml"))
# AWX puts these in the injector templates' namespace besides the credential's own fields.
AWX_NAMESPACE = {"tower", "awx"}


def run(cmd, cwd=REPO):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


# ---- what the modules read from the environment ----------------------------------------------

def _fallback_names(node):
    """The names of `(env_fallback, ["A", "B"])`, or None when `node` is not such a tuple."""
    if isinstance(node, ast.Tuple) and len(node.elts) == 2 and getattr(node.elts[0], "id", None) == "env_fallback":
        return [elt.value for elt in node.elts[1].elts]
    return None


def _option_fields(node):
    """An option spec as {key: value node}, from `{"type": ...}` or `dict(type=...)`."""
    if isinstance(node, ast.Dict):
        return {getattr(key, "value", None): value for key, value in zip(node.keys, node.values)}
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "dict":
        return {keyword.arg: keyword.value for keyword in node.keywords}
    return {}


def module_env_fallbacks():
    """{env var: whether the option is no_log} for every env_fallback in the argument specs under plugins/."""
    found = {}
    for path in sorted((REPO / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            fields = _option_fields(node)
            names = _fallback_names(fields.get("fallback"))
            if names:
                secret = getattr(fields.get("no_log"), "value", False) is True
                for name in names:
                    found[name] = found.get(name, False) or secret
    return found


def documented_env_vars():
    """Every E(NAME) in the modules' documentation and doc fragments."""
    text = "".join(path.read_text() for path in (REPO / "plugins").glob("*/*.py")
                   if path.parent.name in ("modules", "doc_fragments"))
    return set(re.findall(r"E\(([A-Z][A-Z0-9_]*)\)", text))


# ---- the credential types --------------------------------------------------------------------

def load_credential_type(path):
    return yaml.safe_load(path.read_text())


def injected_env(credential_type):
    return credential_type["injectors"].get("env", {})


def test_there_are_credential_types_for_okta_and_salesforce():
    names = {load_credential_type(path)["name"] for path in CREDENTIAL_TYPES}
    assert any("Okta" in name and "token" in name for name in names), names
    assert any("Okta" in name and "service app" in name for name in names), names
    assert any("Salesforce" in name for name in names), names


@pytest.mark.parametrize("path", CREDENTIAL_TYPES, ids=lambda path: path.stem)
def test_credential_type_is_a_valid_awx_definition(path):
    credential_type = load_credential_type(path)
    assert set(credential_type) == {"name", "description", "kind", "inputs", "injectors"}
    assert credential_type["kind"] == "cloud"
    fields = credential_type["inputs"]["fields"]
    ids = [field["id"] for field in fields]
    assert len(ids) == len(set(ids))
    assert set(credential_type["inputs"]["required"]) <= set(ids)
    for field in fields:
        assert field.get("type", "string") in ("string", "boolean"), field
        assert field["label"] and field.get("help_text"), field
    # Every template uses declared fields only, as AWX checks when the type is saved.
    environment = ImmutableSandboxedEnvironment()
    injectors = credential_type["injectors"]
    assert set(injectors) <= {"env", "file", "extra_vars"}
    templates = list(injectors.get("env", {}).values()) + list(injectors.get("file", {}).values())
    for template in templates:
        used = meta.find_undeclared_variables(environment.parse(template))
        assert used <= set(ids) | AWX_NAMESPACE, (template, used)
    # File injectors (for CA certificates) use AWX's multi-file form, and are all referenced.
    for label in injectors.get("file", {}):
        assert label.startswith("template.")
        assert any(f"tower.filename.{label.split('.', 1)[1]}" in template for template in injectors["env"].values())


@pytest.mark.parametrize("path", CREDENTIAL_TYPES, ids=lambda path: path.stem)
def test_injected_env_vars_are_the_ones_the_modules_fall_back_to(path):
    credential_type = load_credential_type(path)
    fallbacks = module_env_fallbacks()
    documented = documented_env_vars()
    for name in injected_env(credential_type):
        assert name in fallbacks, f"{path.name} injects {name}, which no module option falls back to"
        assert name in documented, f"{path.name} injects {name}, which the modules' docs do not mention"


@pytest.mark.parametrize("path", CREDENTIAL_TYPES, ids=lambda path: path.stem)
def test_secret_options_come_from_secret_fields(path):
    """What a module treats as a secret (no_log) is stored encrypted by AWX (a secret field)."""
    credential_type = load_credential_type(path)
    fallbacks = module_env_fallbacks()
    secret_fields = {field["id"] for field in credential_type["inputs"]["fields"] if field.get("secret")}
    environment = ImmutableSandboxedEnvironment()
    for name, template in injected_env(credential_type).items():
        used = meta.find_undeclared_variables(environment.parse(template)) - AWX_NAMESPACE
        if fallbacks[name]:
            assert used and used <= secret_fields, f"{name} is a secret but comes from {used}"


def test_every_secret_the_modules_read_from_the_environment_has_a_credential_type():
    fallbacks = module_env_fallbacks()
    secrets = {name for name, secret in fallbacks.items() if secret}
    assert secrets, "no no_log option with an env fallback found under plugins/"
    injected = set()
    for path in CREDENTIAL_TYPES:
        injected |= set(injected_env(load_credential_type(path)))
    assert secrets <= injected, f"not injected by any credential type: {sorted(secrets - injected)}"
    assert {"OKTA_ORG_URL", "SF_USERNAME"} <= injected


# ---- the execution environment ---------------------------------------------------------------

def galaxy_version():
    return yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]


@pytest.fixture(scope="module")
def installed_collection(tmp_path_factory):
    """The collection as Galaxy would ship it: built into a tarball, then installed (offline)."""
    work = tmp_path_factory.mktemp("collection")
    built = run([BIN / "ansible-galaxy", "collection", "build", "--output-path", work, REPO])
    assert built.returncode == 0, built.stdout + built.stderr
    tarball = next(work.glob("idm-okta_salesforce-*.tar.gz"))
    installed = run([BIN / "ansible-galaxy", "collection", "install", "--offline", "--no-deps", "--force",
                     "-p", work / "collections", tarball])
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return SimpleNamespace(tarball=tarball, path=work / "collections")


@pytest.fixture(scope="module", params=[EE_DEFINITION, DE_DEFINITION], ids=["execution", "decision"])
def definition(request):
    """The execution environment (AWX jobs) and the decision environment (EDA rulebook activations)."""
    return request.param


@pytest.fixture(scope="module")
def build_context(tmp_path_factory, installed_collection, definition):
    """`ansible-builder create` as the definition's comment says: the tarball in build/dist of the checkout
    (here a copy of the definition at the same place relative to build/dist)."""
    checkout = tmp_path_factory.mktemp("ee-checkout")
    copy = checkout / definition.relative_to(REPO)
    copy.parent.mkdir(parents=True)
    copy.write_text(definition.read_text())
    definition = copy
    (checkout / "build" / "dist").mkdir(parents=True)
    (checkout / "build" / "dist" / installed_collection.tarball.name).write_bytes(installed_collection.tarball.read_bytes())
    context = checkout / "context"
    created = run([BIN / "ansible-builder", "create", "-f", definition, "-c", context, "--output-filename", "Containerfile"])
    assert created.returncode == 0, created.stdout + created.stderr
    assert "No matches" not in created.stdout + created.stderr and "does not exist" not in created.stdout + created.stderr
    return context


def test_ansible_builder_create_writes_a_complete_build_context(build_context, definition):
    containerfile = (build_context / "Containerfile").read_text()
    assert f'ARG EE_BASE_IMAGE="{yaml.safe_load(definition.read_text())["images"]["base_image"]["name"]}"' in containerfile
    assert "ansible-core" in containerfile and "ansible-runner" in containerfile
    assert "introspect.py introspect" in containerfile
    for script in ("introspect.py", "assemble", "install-from-bindep", "check_ansible"):
        assert (build_context / "_build" / "scripts" / script).is_file()


def test_only_the_decision_environment_adds_ansible_rulebook_and_java(build_context, definition):
    """ansible-rulebook and the Java runtime of its rules engine go through the build's dependency files."""
    def read(name):
        path = build_context / "_build" / name
        return path.read_text() if path.exists() else ""
    decision = definition == DE_DEFINITION
    assert ("ansible-rulebook==1.3.2" in read("requirements.txt")) == decision
    assert ("java-17-openjdk-headless [platform:rpm]" in read("bindep.txt")) == decision


def test_the_execution_environment_installs_the_collection_from_the_local_build(build_context, tmp_path):
    """The build's galaxy step (`ansible-galaxy collection install -r requirements.yml` in /build, which is
    the context's _build), run offline: it installs this collection, at galaxy.yml's version, from the tarball."""
    galaxy = yaml.safe_load((build_context / "_build" / "requirements.yml").read_text())
    assert galaxy["collections"] == [{"name": f"collections/idm-okta_salesforce-{galaxy_version()}.tar.gz", "type": "file"}]
    assert (build_context / "_build" / "collections" / f"idm-okta_salesforce-{galaxy_version()}.tar.gz").is_file()
    assert "COPY _build /build" in (build_context / "Containerfile").read_text()
    # --force: under make, ANSIBLE_COLLECTIONS_PATH already holds the collection and the install would be skipped.
    installed = run([BIN / "ansible-galaxy", "collection", "install", "--offline", "--force", "-r", "requirements.yml",
                     "--collections-path", tmp_path], cwd=build_context / "_build")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    manifest = json.loads((tmp_path / "ansible_collections" / "idm" / "okta_salesforce" / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["version"] == galaxy_version()


# ---- one ansible-core range ------------------------------------------------------------------

def versions_make_test_installs():
    """The ansible-core versions `make test` installs: .venv's (.ci/find-python picks one by Python version)
    and every line of the matrix (.ci/matrix.txt, make test-matrix)."""
    found = re.findall(r'echo "\$\w+ (\d+\.\d+\.\d+)"', (REPO / ".ci" / "find-python").read_text())
    return sorted(set(found) | set(matrix()), key=Version)


def matrix():
    """{ansible-core version: Python version} of .ci/matrix.txt."""
    lines = [line.split() for line in (REPO / ".ci" / "matrix.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return dict(lines)


def test_the_matrix_tests_each_supported_minor_once_and_the_readme_shows_it():
    """One line per ansible-core minor release, .venv's versions among them, and the README's support table
    names each pair."""
    pairs = matrix()
    minors = [Version(core).release[:2] for core in pairs]
    assert len(minors) == len(set(minors)) >= 3, pairs
    assert set(re.findall(r'echo "\$\w+ (\d+\.\d+\.\d+)"', (REPO / ".ci" / "find-python").read_text())) <= set(pairs)
    readme = (REPO / "README.md").read_text()
    for core, python in pairs.items():
        assert re.search(rf"^\| {re.escape(core)} \| {re.escape(python)} \|", readme, re.M), (core, python)


def test_one_ansible_core_range_everywhere_and_it_is_the_tested_one():
    tested = versions_make_test_installs()
    assert len(tested) >= 2, tested
    requirement = next(line for line in (REPO / "requirements.txt").read_text().splitlines() if line.startswith("ansible-core"))
    ee = yaml.safe_load(EE_DEFINITION.read_text())["dependencies"]["ansible_core"]["package_pip"]
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())["requires_ansible"]
    ranges = {"requirements.txt": SpecifierSet(requirement[len("ansible-core"):]),
              "execution environment": SpecifierSet(ee[len("ansible-core"):]),
              "meta/runtime.yml": SpecifierSet(runtime)}
    minors = sorted({Version(version).release[:2] for version in tested})
    below, above = f"{minors[0][0]}.{minors[0][1] - 1}.99", f"{minors[-1][0]}.{minors[-1][1] + 1}.0"
    for where, allowed in ranges.items():
        for version in tested:
            assert version in allowed, f"{where} ({allowed}) excludes the tested ansible-core {version}"
        assert below not in allowed and above not in allowed, f"{where} ({allowed}) allows untested ansible-core"
    readme = (REPO / "README.md").read_text()
    assert f">={minors[0][0]}.{minors[0][1]},<{above.rsplit('.', 1)[0]}" in readme
    assert all(version in readme for version in tested)
    role_meta = yaml.safe_load((REPO / "roles" / "enable_provisioning" / "meta" / "main.yml").read_text())
    assert role_meta["galaxy_info"]["min_ansible_version"] == f"{minors[0][0]}.{minors[0][1]}"


def test_the_tarball_carries_what_an_execution_environment_needs(installed_collection):
    with tarfile.open(installed_collection.tarball) as archive:
        names = set(archive.getnames())
    for needed in ("meta/execution-environment.yml", "meta/runtime.yml", "requirements.txt", "bindep.txt",
                   "roles/enable_provisioning/meta/argument_specs.yml", "playbooks/audit_salesforce_provisioning.yml",
                   "extensions/awx/credential_types/okta_api_token.yml"):
        assert needed in names, needed
    assert not any(name.startswith((".venv/", "build/")) for name in names)


def test_the_build_gets_the_collections_python_and_system_dependencies(build_context, installed_collection):
    """Runs the introspection script of the build context, as the image build does, on the installed collection."""
    introspected = run([sys.executable, build_context / "_build" / "scripts" / "introspect.py", "introspect",
                        installed_collection.path])
    assert introspected.returncode == 0, introspected.stdout + introspected.stderr
    found = yaml.safe_load(introspected.stdout)
    wanted = [line.split("#")[0].strip() for line in (REPO / "requirements.txt").read_text().splitlines()]
    wanted = [line for line in wanted if line and not line.startswith("ansible-core")]
    assert found["python"] == [f"{line}  # from collection idm.okta_salesforce" for line in wanted]
    system = [line for line in (REPO / "bindep.txt").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert found["system"] == [f"{line}  # from collection idm.okta_salesforce" for line in system]
