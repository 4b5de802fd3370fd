"""AWX's side of a job, for the tests that run the playbooks as AWX does (no tests here).

`inject_credential` renders a credential type of extensions/awx/credential_types/ the way AWX renders
injectors for a job (awx/main/models/credential: CredentialType.inject_credential):
- the template namespace holds the inputs that have a value (an empty or unset field is undefined, so it
  renders as an empty string; an unset boolean field is False) and `tower.filename`;
- each `file` injector is rendered and written to a new file (mode 0600) in the private data directory's
  env/; `template.<name>` puts its path in `tower.filename.<name>`, `template` in `tower.filename`;
- `env` injectors are rendered into the job's environment; AWX refuses ANSIBLE_* and its own variables;
- `extra_vars` injectors are rendered (recursively) into a YAML file (mode 0400) in env/, every value
  marked !unsafe so Ansible does not template it again, passed as `-e @<file>`.
Every template is rendered in Jinja's immutable sandbox.

`secret_leaks` is how the AWX job tests scan an output for secrets (tests/canaries.py's forms).
"""
from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tests.ansible_env import REPO
from tests.canaries import find_leaks
from tests.integration.conftest import DEFAULT_SEED

CREDENTIAL_TYPES = REPO / "extensions" / "awx" / "credential_types"

# Environment variables AWX does not let a credential type set (awx/main/fields.py, ENV_BLOCKLIST), besides ANSIBLE_*.
AWX_ENV_BLOCKLIST = frozenset({
    "VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID", "INVENTORY_UPDATE_ID",
    "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES", "CALLBACK_QUEUE", "CALLBACK_CONNECTION",
    "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS", "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH",
})


@dataclass
class Injected:
    """What the injectors of the job's credentials add to a job."""
    env: dict = field(default_factory=dict)
    args: list = field(default_factory=list)      # ansible-playbook arguments: -e @<extra vars file>
    files: list = field(default_factory=list)     # every file written (credential material: job input)

    def update(self, other: "Injected") -> "Injected":
        self.env.update(other.env)
        self.args += other.args
        self.files += other.files
        return self


class _Unsafe(str):
    """A string AWX's safe_dump writes as !unsafe."""


class _UnsafeDumper(yaml.SafeDumper):
    pass


_UnsafeDumper.add_representer(_Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value)))


def _unsafe(node):
    if isinstance(node, dict):
        return {key: _unsafe(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_unsafe(value) for value in node]
    return _Unsafe(node) if isinstance(node, str) else node


def credential_type(type_file: str) -> dict:
    return yaml.safe_load((CREDENTIAL_TYPES / type_file).read_text())


def inject_credential(type_file: str, inputs: dict, private_data_dir) -> Injected:
    """The environment, arguments and files AWX gives a job for one credential of this type."""
    definition = credential_type(type_file)
    injectors = definition["injectors"]
    env_dir = Path(private_data_dir) / "env"
    env_dir.mkdir(parents=True, exist_ok=True)
    sandbox = ImmutableSandboxedEnvironment()
    tower = SimpleNamespace(filename=None)
    namespace = {"tower": tower}
    for name, value in inputs.items():
        if isinstance(value, bool) or len(value):
            namespace[name] = value
    for field_def in definition["inputs"].get("fields", []):
        if field_def.get("type") == "boolean" and field_def["id"] not in inputs:
            namespace[field_def["id"]] = False
    injected = Injected()
    for label, template in injectors.get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as out:
            out.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        injected.files.append(path)
        if "." not in label:
            tower.filename = path
        else:
            if tower.filename is None:
                tower.filename = SimpleNamespace()
            setattr(tower.filename, label.split(".", 1)[1], path)
    for name, template in injectors.get("env", {}).items():
        assert not name.startswith("ANSIBLE_") and name not in AWX_ENV_BLOCKLIST, f"AWX refuses the injector {name}"
        injected.env[name] = sandbox.from_string(template).render(**namespace)

    def render(node):
        if isinstance(node, dict):
            return {render(key): render(value) for key, value in node.items()}
        if isinstance(node, list):
            return [render(value) for value in node]
        return sandbox.from_string(node).render(**namespace)

    extra_vars = render(injectors.get("extra_vars", {}))
    if extra_vars:
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as out:
            out.write(yaml.dump(_unsafe(extra_vars), Dumper=_UnsafeDumper, default_flow_style=False))
        os.chmod(path, stat.S_IRUSR)
        injected.files.append(path)
        injected.args += ["-e", f"@{path}"]
    return injected


def inject(type_file: str, inputs: dict, workdir) -> dict:
    """The environment of a credential type with env and file injectors only (ansible-playbook without runner)."""
    injected = inject_credential(type_file, inputs, workdir)
    assert not injected.args, f"{type_file} has extra_vars injectors: pass Injected.args to ansible-playbook"
    return injected.env


# ---- another customer's org ---------------------------------------------------------------------

def org_seed(name: str, number: int, api_token: str | None = None) -> dict:
    """The default seed as another customer's org: its own name, Salesforce org, API token and Salesforce secrets."""
    seed = yaml.safe_load(Path(DEFAULT_SEED).read_text())
    seed["okta"]["org_name"] = name
    seed["okta"]["api_tokens"] = [api_token or f"00canary-ssws-{name}-okta-token-{number:02d}8e2d"]
    seed["salesforce"]["org"].update(id=f"00Dsim{number:09d}AAA", name=f"{name.title()} Corp")
    for n, user in enumerate(seed["salesforce"]["users"].values()):
        user["password"] = f"Canary-{name}-sf-password-{number}-{n}b7e"
        user["security_token"] = f"canary{name.title()}SfToken{number}x{n}d0c3a"
    return seed


# ---- secrets in outputs -------------------------------------------------------------------------

def secret_leaks(text: str, secrets) -> list:
    """(secret number, form) of every secret found in `text` in any of its forms (tests/canaries.py); never the
    secret itself."""
    numbers = {secret: number for number, secret in enumerate(sorted(set(secrets)))}
    return [(numbers[secret], form) for secret, form in find_leaks(text, numbers)]
