"""What ships beside the modules: the execution environment and the AWX credential types.

The credential types are checked against the modules' own code: every environment variable they
inject must be one the modules fall back to (read from the argument specs in plugins/), and
documented in the modules' docs, so a rename on either side fails here.
"""
from __future__ import annotations

import ast
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

from tests.ansible_env import REPO

BIN = Path(sys.executable).parent
EE_DEFINITION = REPO / "extensions" / "awx" / "execution-environment.yml"
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

@pytest.fixture(scope="module")
def build_context(tmp_path_factory):
    context = tmp_path_factory.mktemp("ee-context")
    created = run([BIN / "ansible-builder", "create", "-f", EE_DEFINITION, "-c", context,
                   "--output-filename", "Containerfile"])
    assert created.returncode == 0, created.stdout + created.stderr
    return context


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


def test_ansible_builder_create_writes_a_complete_build_context(build_context):
    containerfile = (build_context / "Containerfile").read_text()
    definition = yaml.safe_load(EE_DEFINITION.read_text())
    assert f'ARG EE_BASE_IMAGE="{definition["images"]["base_image"]["name"]}"' in containerfile
    assert "ansible-core" in containerfile and "ansible-runner" in containerfile
    assert "introspect.py introspect" in containerfile
    galaxy = yaml.safe_load((build_context / "_build" / "requirements.yml").read_text())
    assert [collection["name"] for collection in galaxy["collections"]] == ["idm.okta_salesforce"]
    for script in ("introspect.py", "assemble", "install-from-bindep", "check_ansible"):
        assert (build_context / "_build" / "scripts" / script).is_file()


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
