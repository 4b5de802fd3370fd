"""Writes applied twice: a state change repeated for one logical write, counted from the simulator's state.

Kept by the handlers (under the state lock) and read through `GET /_sim/faults`:
- an app created with the name and label of an app that already exists (a create resent after its answer
  was lost, without looking the label up first);
- a Salesforce login by Okta (a connection save with activate=true, or lifecycle/activate) with the same
  credentials as the one just before on that app, beyond one read-back-then-resend: the repeat counts
  unless the connection was read (GET) in between and it is the first repeat. Any other /api request ends
  the sequence (a run's next step, or the next run).
"""
from __future__ import annotations

import hashlib
import threading

CONNECTION_MARK = "/connections/default"


class WriteLedger:
    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.applied_twice = []           # [{"write", "target", "detail"}]
            self.resent_after_read_back = 0   # repeats the rule allows (one per logical save)
            self.sequences = {}               # app id -> {"fingerprint", "reads", "repeats"}

    # ----- apps -------------------------------------------------------------------------------------
    def app_created(self, name: str, label: str, existing_apps) -> None:
        twins = [app["id"] for app in existing_apps if app.get("name") == name and app.get("label") == label]
        if twins:
            with self.lock:
                self.applied_twice.append({"write": "app_create", "target": label,
                                           "detail": f"an app named {name} labelled {label!r} already existed: {twins}"})

    # ----- Okta's Salesforce logins -------------------------------------------------------------------
    def salesforce_login(self, app_id: str, action: str, username: str, secret: str, push_null=None) -> None:
        digest = hashlib.sha256((secret or "").encode("utf-8")).hexdigest()[:16]
        fingerprint = (action, (username or "").lower(), digest, push_null)
        with self.lock:
            sequence = self.sequences.get(app_id)
            if sequence is None or sequence["fingerprint"] != fingerprint:
                self.sequences[app_id] = {"fingerprint": fingerprint, "reads": 0, "repeats": 0}
                return
            if sequence["reads"] and not sequence["repeats"]:
                self.resent_after_read_back += 1
            else:
                self.applied_twice.append({"write": f"connection_{action}", "target": app_id,
                                           "detail": f"a Salesforce login by Okta for {username} repeated the one "
                                                     f"before it {'with no read-back' if not sequence['reads'] else 'more than once'}"})
            sequence["repeats"] += 1
            sequence["reads"] = 0

    def request_seen(self, method: str, path: str) -> None:
        """Every /api request after its handler: a connection read counts as a read-back, anything else ends sequences."""
        if CONNECTION_MARK in path:
            if method == "GET":
                app_id = path.split("/")[4] if path.count("/") >= 4 else None
                with self.lock:
                    if app_id in self.sequences:
                        self.sequences[app_id]["reads"] += 1
            return
        with self.lock:
            self.sequences.clear()

    def counts(self) -> dict:
        with self.lock:
            return {"writes_applied_twice": len(self.applied_twice), "applied_twice": list(self.applied_twice),
                    "resent_after_read_back": self.resent_after_read_back}
