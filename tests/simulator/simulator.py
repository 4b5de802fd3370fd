"""`Simulator`: start the Okta + Salesforce simulator (in a thread, or as a child process) and
talk to its control endpoints. See README.md for the API."""
from __future__ import annotations

import json
import os
import subprocess as sp
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import requests
import urllib3

from .seed import DEFAULT_SEED, load_seed
from .server import SimApp, SimServer
from .tls import make_server_context

REPO = Path(__file__).resolve().parents[2]


class Simulator:
    """A running simulator. Use as a context manager, or call `close()`."""

    def __init__(self, seed=None, workdir=None, port: int = 0, ca_path=None, subprocess: bool = False,
                 published_api_only: bool = False, rate_limit: dict | None = None, start: bool = True,
                 certificate: str = "valid"):
        self.seed = DEFAULT_SEED if seed is None else seed
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="oktasim-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.ca_path = str(ca_path or self.workdir / "ca.pem")
        self.use_subprocess = subprocess
        # The server certificate (tls.CERTIFICATES): "wrong_host" and "expired" serve TLS cases; the
        # simulator's own control calls do not check it then.
        self.certificate = certificate
        self._initial_config = {}
        if published_api_only:
            self._initial_config["published_api_only"] = True
        if rate_limit:
            self._initial_config["rate_limit"] = rate_limit
        self._server = self._thread = self._proc = None
        self._info = {}
        self._http = None
        self.url = ""
        if start:
            self.start()

    # ----- lifecycle -----------------------------------------------------------------------
    def start(self) -> "Simulator":
        if self.use_subprocess:
            self._start_process()
        else:
            self._start_thread()
        self._http = requests.Session()
        self._http.verify = self.ca_path if self.certificate == "valid" else False
        if self._initial_config:
            self.configure(**self._initial_config)
        self._info = self._control("GET", "info")
        return self

    def _start_thread(self) -> None:
        app = SimApp(load_seed(self.seed))
        tls = make_server_context(Path(self.ca_path), self.workdir, self.certificate)
        self._server = SimServer(("127.0.0.1", self.port), app, tls)
        self.port = self._server.server_address[1]
        self.url = f"https://127.0.0.1:{self.port}"
        app.url, app.ca_path = self.url, self.ca_path
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name=f"okta-sim-{self.port}", daemon=True)
        self._thread.start()

    def _start_process(self) -> None:
        seed_path = self.seed
        if isinstance(self.seed, dict):
            seed_path = self.workdir / "seed.json"
            seed_path.write_text(json.dumps(self.seed))
        cmd = [sys.executable, "-m", "tests.simulator", "--seed", str(seed_path), "--port", str(self.port),
               "--ca-cert", self.ca_path, "--workdir", str(self.workdir), "--certificate", self.certificate]
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self._proc = sp.Popen(cmd, cwd=REPO, env=env, stdout=sp.PIPE, stderr=sp.PIPE, text=True)
        line = self._proc.stdout.readline()
        if not line:
            err = self._proc.stderr.read()
            raise RuntimeError(f"simulator process did not start: {err[-2000:]}")
        self.url = json.loads(line)["url"]
        self.port = int(self.url.rsplit(":", 1)[1])

    def close(self) -> None:
        if self._http:
            self._http.close()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._proc:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except sp.TimeoutExpired:
                self._proc.kill()
            self._proc = None

    stop = close

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----- control endpoints ---------------------------------------------------------------
    def _control(self, method: str, name: str, body=None):
        with warnings.catch_warnings():
            # A wrong_host or expired certificate: the test's own control calls skip the check on purpose.
            warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
            resp = self._http.request(method, f"{self.url}/_sim/{name}", json=body, timeout=60, verify=self._http.verify)
        if resp.status_code >= 400:
            raise ValueError(f"simulator control {method} /_sim/{name}: {resp.status_code} {resp.text}")
        return resp.json()

    @property
    def api_token(self) -> str:
        return self._info["api_token"]

    @property
    def oauth_client_id(self) -> str:
        return self._info["oauth_client_id"]

    @property
    def oauth_key_id(self) -> str:
        return self._info["oauth_key_id"]

    @property
    def oauth_private_key_pem(self) -> str:
        return self._info["oauth_private_key_pem"]

    @property
    def oauth_clients(self) -> dict:
        """client_id -> {client_id, key_id, private_key_pem, require_dpop, dpop_api_nonce} of every seeded service app."""
        return self._info["oauth_clients"]

    @property
    def secrets(self) -> list:
        """Every canary secret the state holds now (seeded, and any set later by the collection)."""
        return self._control("GET", "info")["secrets"]

    def request_log(self) -> list:
        return self._control("GET", "log")

    def clear_log(self) -> None:
        self._control("DELETE", "log")

    def writes(self) -> list:
        """Log entries that are writes to /api (POST/PUT/DELETE); OAuth token calls are not under /api."""
        return [e for e in self.request_log() if e["method"] in ("POST", "PUT", "DELETE", "PATCH")
                and e["path"].startswith("/api/")]

    def fault_counts(self) -> dict:
        """What the simulator injected and saw since the last reset or `clear_fault_counts()`:
        {"injected": {log fault kind: n}, "by_category": {"before_handler", "after_handler", "429", "5xx", "reset",
        "timeout": n}, "writes_applied_twice": n, "applied_twice": [{write, target, detail}], "resent_after_read_back": n}."""
        return self._control("GET", "faults")

    def clear_fault_counts(self) -> None:
        self._control("DELETE", "faults")

    def state(self) -> dict:
        return self._control("GET", "state")

    def salesforce_logins(self, username: str | None = None, channel: str | None = None) -> list:
        """The Salesforce login history ({time, username, user_id, channel, status, fault}), oldest first.

        `channel`: "soap_login" (a SOAP login() call) or "okta_api_integration" (Okta saving its API integration).
        """
        history = self.state()["salesforce"].get("login_history", [])
        return [entry for entry in history if (username is None or entry["username"].lower() == username.lower())
                and (channel is None or entry["channel"] == channel)]

    def salesforce_token_requests(self, grant_type: str | None = None) -> list:
        """Requests to Salesforce's OAuth token endpoint ({time, grant_type, app, username, status, error}), oldest
        first. They are not logins: salesforce_logins() does not list them."""
        history = self.state()["salesforce"].get("token_requests", [])
        return [entry for entry in history if grant_type is None or entry["grant_type"] == grant_type]

    def salesforce_counts(self) -> dict:
        """{logins, logins_by_channel, token_requests, token_requests_by_grant_type, writes, writes_by_kind} (control API
        /_sim/salesforce_counts); writes are the admin session's (salesforce_admin.py)."""
        return self._control("GET", "salesforce_counts")

    @property
    def salesforce_apps(self) -> dict:
        """Connected app name -> {consumer_key, consumer_secret, private_key_pem (JWT apps)} of the seeded org."""
        return self._info["salesforce_apps"]

    def configure(self, **changes) -> dict:
        """rate_limit={...}, faults={...}, published_api_only=bool, token_lifetime=seconds."""
        return self._control("POST", "config", changes)

    def patch(self, path: list, value) -> None:
        self._control("POST", "patch", {"path": list(path), "value": value})

    def reset(self, seed=None, users: int | None = None) -> None:
        """Back to the starting seed, or to a new one (path, dict or YAML text); `users=N` changes
        the number of generated Okta users (`generate_users.count`) of that seed."""
        body = None if seed is None else load_seed(seed)
        if users is not None:
            body = body or load_seed(self.seed)
            body.setdefault("okta", {}).setdefault("generate_users", {})["count"] = int(users)
        self._control("POST", "reset", body)
        self._info = self._control("GET", "info")

    def assign_with_provisioning(self, app_id: str, count: int, profile: dict | None = None, first: int = 1) -> int:
        """Assign `count` active Okta users (from the `first`-th) directly, pushing each to Salesforce as Okta would."""
        return self._control("POST", "sync_assign", {"app_id": app_id, "count": count, "profile": profile,
                                                     "first": first})["assigned"]

    def plant_drift(self, app_id: str, kind: str, count: int = 1) -> list:
        """Make `count` users disagree between Okta and Salesforce in one way (salesforce_provisioning.DRIFT_KINDS);
        returns the keys changed (app usernames, or new Salesforce usernames for unassigned_in_okta)."""
        return self._control("POST", "sync_drift", {"app_id": app_id, "kind": kind, "count": count})["keys"]

    def give_consent(self, app_id: str) -> dict:
        """What the admin's browser does for the OAuth version: "Authenticate with Salesforce.com", sign in, allow."""
        return self._control("POST", "okta/consent", {"app_id": app_id})

    def admin_console_change(self, app_id: str, feature: str, settings: dict) -> dict:
        """An admin editing the To App (USER_PROVISIONING) or To Okta (INBOUND_PROVISIONING) settings in the Admin
        Console: the settings are merged as PUT .../features/{feature} merges them, and the one System Log event
        written (application.lifecycle.update, actor Jane Admin) is returned."""
        return self._control("POST", "okta/admin_console", {"app_id": app_id, "feature": feature,
                                                            "settings": settings})["event"]

    def inject_events(self, event_type: str, app_id: str, result: str = "FAILURE", reason: str | None = None,
                      count: int = 1, user_logins: list | None = None, actor: dict | None = None) -> list:
        """Write `count` System Log events of one type for an app as Okta would (actor SystemPrincipal unless given);
        returns their uuids."""
        body = {"event_type": event_type, "app_id": app_id, "result": result, "reason": reason, "count": count}
        if user_logins:
            body["user_logins"] = list(user_logins)
        if actor:
            body["actor"] = actor
        return self._control("POST", "okta/events", body)["uuids"]

    def system_log(self) -> list:
        """Every stored System Log event (LogEvent dicts), in persistence order."""
        return self._control("GET", "okta/events")

    def expire_tokens(self) -> int:
        """Expire every OAuth access token issued so far (to test refresh on 401)."""
        return self._control("POST", "expire_tokens")["expired"]
