# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module shell of this collection: Okta options, a lazy client, and one way to end a run.

Internal to this collection; the interface may change without notice.
A module is its option declaration plus one call:

    def main():
        module = OktaModule(argument_spec=OPTIONS, required_one_of=[("app_id", "app_label")])
        module.run(lambda m: reconcile(m.client, m.params, check_mode=m.check_mode))

`run` calls the work function, which returns the result dict (with `changed`, and `diff` and
`warnings` when it has them). Every result, success or failure, gets `api_calls` in one shape;
`diff` is returned in diff mode only, and always then (empty for a module that changes nothing). A `CollectionError` becomes a clean failure with its fields;
any other exception is a bug in the collection and is reported as one: never a traceback, never
a secret, always what was already written. The Okta options are documented in the
`idm.okta_salesforce.okta` doc fragment; keep both in step.
"""

from __future__ import annotations

import difflib
import os
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.errors import MutuallyExclusiveError, NoLogError, RequiredOneOfError, UnsupportedError

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_auth import (
    DEFAULT_SCOPES,
    HAS_JWT,
    OktaConfigError,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import HAS_REQUESTS, OktaClient
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import SecretScrubber

OKTA_ARGUMENT_SPEC = dict(
    org_url=dict(type="str", fallback=(env_fallback, ["OKTA_ORG_URL"])),
    api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["OKTA_API_TOKEN"])),
    client_id=dict(type="str", fallback=(env_fallback, ["OKTA_CLIENT_ID"])),
    private_key=dict(type="str", no_log=True, fallback=(env_fallback, ["OKTA_PRIVATE_KEY"])),
    private_key_file=dict(type="path", no_log=False, fallback=(env_fallback, ["OKTA_PRIVATE_KEY_FILE"])),
    key_id=dict(type="str", no_log=False, fallback=(env_fallback, ["OKTA_KEY_ID"])),
    scopes=dict(type="list", elements="str", default=list(DEFAULT_SCOPES), fallback=(env_fallback, ["OKTA_SCOPES"])),
    dpop=dict(type="str", choices=["auto", "always", "never"], default="auto", fallback=(env_fallback, ["OKTA_DPOP"])),
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


def okta_argument_spec(**extra):
    """OKTA_ARGUMENT_SPEC merged with a module's own options (a module option wins on a name clash)."""
    spec = {name: dict(option) for name, option in OKTA_ARGUMENT_SPEC.items()}
    spec.update(extra)
    return spec


def _where(error):
    """`file.py, line n, in function` of the innermost frame of the collection that raised `error`."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "okta_salesforce" in frame.filename and not frame.filename.endswith("_okta_module.py")]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "an unknown place"
    return f"{os.path.basename(frame.filename)}, line {frame.lineno}, in {frame.name}"


class OktaModule(AnsibleModule):
    """AnsibleModule with the Okta options, a client built on first use, and one handler for the run."""

    def __init__(self, argument_spec, mutually_exclusive=None, **kwargs):
        kwargs.setdefault("supports_check_mode", True)
        self._checking_options = True   # a failure now is Ansible's option check (see _option_error)
        super().__init__(argument_spec=okta_argument_spec(**argument_spec),
                         mutually_exclusive=OKTA_MUTUALLY_EXCLUSIVE + list(mutually_exclusive or []), **kwargs)
        self._checking_options = False
        self._client = None
        self._scrubber = SecretScrubber()
        for name, option in self.argument_spec.items():
            if option.get("no_log") and isinstance(self.params.get(name), str):
                self._scrubber.add(self.params[name])

    # ---- the Okta client ------------------------------------------------------------------------
    @property
    def client(self):
        """The OktaClient of the Okta options, built on first use; OktaConfigError when they are wrong."""
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def _new_client(self):
        params = self.params
        if not HAS_REQUESTS:
            raise OktaConfigError(missing_required_lib("requests"))
        if params.get("client_id") and not params.get("api_token") and not HAS_JWT:
            raise OktaConfigError(missing_required_lib("PyJWT and cryptography (pip install 'PyJWT[crypto]')"))
        options = {name: params.get(name) for name in OKTA_ARGUMENT_SPEC if params.get(name) is not None}
        options["org_url"] = params.get("org_url")  # OktaClient says what a missing one means
        if options.get("validate_certs") is False:
            self.warn("validate_certs is false: the Okta server's TLS certificate is not checked, so the connection "
                      "(and the credentials it carries) can be intercepted. Use ca_path for a private CA instead.")
        client = OktaClient(**options)
        for name, option in self.argument_spec.items():
            if option.get("no_log") and isinstance(params.get(name), str):
                client.add_secret(params[name])
        return client

    def add_secret(self, value):
        """A value that must never appear in the result (e.g. a secret the module derived)."""
        self._scrubber.add(value)
        if self._client is not None:
            self._client.add_secret(value)

    @property
    def api_calls(self):
        """Okta requests sent by this task, by HTTP method and in total (retries and token requests included)."""
        counts = dict(sorted(self._client.calls.items())) if self._client is not None else {}
        counts["total"] = sum(counts.values())
        return counts

    @property
    def writes_accepted(self):
        """Okta write requests that Okta answered with success."""
        return self._client.writes_accepted if self._client is not None else 0

    # ---- the run --------------------------------------------------------------------------------
    def run(self, work):
        """Run `work(self)` and end the task with its result, or with one clean failure."""
        failure = None
        try:
            result = work(self)
        except CollectionError as error:
            failure = dict(error.result_fields(), msg=str(error))
        except Exception as error:  # pylint: disable=broad-exception-caught  # a bug: reported, never a traceback
            failure = {"msg": self._bug_message(error)}
        finally:
            if self._client is not None:
                self._client.close()
        # fail_json is called outside the except blocks: inside one, Ansible would attach the traceback.
        if failure is not None:
            self._warn_all(failure.pop("warnings", None))
            failure.pop("diff", None)
            self.fail_json(**self._scrubbed(dict(failure, changed=self.writes_accepted > 0, api_calls=self.api_calls)))
        self._warn_all(result.pop("warnings", None))
        diff = result.pop("diff", None)
        if self._diff:   # read-only modules change nothing: an empty diff
            result["diff"] = diff if diff is not None else {"before": {}, "after": {}}
        result.setdefault("changed", False)
        self.exit_json(**self._scrubbed(dict(result, api_calls=self.api_calls)))

    def _warn_all(self, warnings):
        for warning in warnings or []:
            self.warn(self._scrubbed(warning))

    def _bug_message(self, error):
        calls = self.api_calls
        by_method = ", ".join(f"{count} {method}" for method, count in calls.items() if method != "total") or "none"
        writes = self.writes_accepted
        written = (f"{writes} write(s) were accepted by Okta before it, so the org was changed: run the task in check "
                   "mode to see where it stands." if writes else "Nothing was written to Okta.")
        return (f"Unexpected error in the idm.okta_salesforce collection (a bug; please report it with this message): "
                f"{type(error).__name__}: {error} (in {_where(error)}). Okta API calls made: {calls['total']} ({by_method}). "
                + written)

    def _scrubbed(self, value):
        """`value` with every secret the module knows masked (in messages, fields, nested lists and dicts)."""
        if isinstance(value, str):
            text = self._scrubber.scrub(value)
            return self._client.scrub(text) if self._client is not None else text
        if isinstance(value, dict):
            return {key: self._scrubbed(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._scrubbed(item) for item in value]
        return value

    # ---- no_log safety when an option has the wrong type ----------------------------------------
    # Ansible lists the values to hide while it checks the options; a value of the wrong type in an
    # option with suboptions stops that listing, and the failure would then echo the API token and
    # passwords in `invocation`. The top-level no_log options are hidden here whatever happened.
    def _hide_no_log_options(self):
        params = self.params if isinstance(getattr(self, "params", None), dict) else {}
        for name, option in (getattr(self, "argument_spec", None) or {}).items():
            value = params.get(name)
            if option.get("no_log") and isinstance(value, str) and value:
                self.no_log_values.add(value)

    def _option_error(self, msg):
        """The first error that names an option, instead of the bare parse error of the no_log listing; for a
        mistake inside an entry of a list option (users, groups), the entry's index and what is wrong with it."""
        errors = getattr(getattr(getattr(self, "validation_result", None), "errors", None), "errors", None) or []
        if errors and getattr(self, "_checking_options", False):
            entry_problems = self._entry_problems()
            if entry_problems:
                # Ansible's other findings (a value of the wrong type, ...) still count.
                covered = (MutuallyExclusiveError, NoLogError, RequiredOneOfError, UnsupportedError)
                others = [error.msg for error in errors if not isinstance(error, covered)]
                return "Nothing was sent: " + "; ".join(entry_problems + others) + "."
        if not errors or not isinstance(errors[0], NoLogError) or msg != errors[0].msg:
            return msg
        others = [error.msg for error in errors if not isinstance(error, NoLogError)]
        return others[0] if others else msg

    def _entry_problems(self):
        """What is wrong with each entry of the list-of-dict options, by index: unknown keys (with the closest
        known one), a missing one-of pair, two keys that exclude each other. Ansible's own message names
        neither the entry nor, for a missing key, the typo that caused it."""
        params = self.params if isinstance(getattr(self, "params", None), dict) else {}
        problems = []
        for name, option in (getattr(self, "argument_spec", None) or {}).items():
            entries, known = params.get(name), option.get("options")
            if option.get("type") != "list" or not known or not isinstance(entries, list):
                continue
            found = []
            for index, entry in enumerate(entries):
                if not isinstance(entry, dict):
                    continue
                wrong = []
                for key in entry:
                    if key not in known:
                        close = difflib.get_close_matches(str(key), list(known), n=1)
                        wrong.append(f"has an unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
                for group in option.get("required_one_of") or []:
                    if all(entry.get(key) is None for key in group):
                        wrong.append(f"needs {' or '.join(group)}")
                for group in option.get("mutually_exclusive") or []:
                    given = [key for key in group if entry.get(key) is not None]
                    if len(given) > 1:
                        wrong.append(f"gives both {' and '.join(given)}: keep one")
                if wrong:
                    found.append(f"{name}[{index}] " + ", and ".join(wrong))
            if found:
                problems += found + [f"each {name} entry takes {', '.join(sorted(known))}"]
        return problems

    def fail_json(self, msg, **kwargs):
        self._hide_no_log_options()
        super().fail_json(self._option_error(msg), **kwargs)

    def exit_json(self, **kwargs):
        self._hide_no_log_options()
        super().exit_json(**kwargs)
