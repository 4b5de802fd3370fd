"""The HTTPS server and the dispatch of each request to Okta, Salesforce or the control endpoints.

Stdlib ThreadingHTTPServer with HTTP/1.1 keep-alive; the TLS handshake runs in the connection's
own thread so slow handshakes never block accept().
"""
from __future__ import annotations

import hashlib
import socket
import ssl
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import control, okta_api, salesforce_api
from .config import SimConfig
from .faults import FaultInjector
from .limits import RateLimiter
from .oauth_keys import install_client_keys
from .okta_auth import authenticate, token_endpoint
from .state import SimState
from .validation import validate
from .wire import BadBody, OktaFailure, Request, Response, okta_error

MAX_URL = 8192
MAX_LOG = 500_000


def credential_fingerprint(authorization: str) -> str | None:
    """The first 16 hex digits of the SHA-256 of the credential an Authorization header carries (never
    the credential itself): tests tell which token reached which org without the log holding a secret."""
    credential = authorization.partition(" ")[2].strip()
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()[:16] if credential else None


class RequestLog:
    """What clients sent and got: tests assert on it (and on the absence of writes in check mode)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []
        self.seq = 0

    def add(self, req: Request, resp: Response, family: str) -> None:
        entry = {"method": req.method, "path": req.path, "query": req.raw_query,
                 "status": None if resp.drop else resp.status, "request_id": req.request_id, "family": family,
                 "fault": resp.fault, "retry_for": req.headers.get("x-okta-retry-for"),
                 "retry_count": req.headers.get("x-okta-retry-count"), "auth": req.auth.get("kind"),
                 "credential": credential_fingerprint(req.headers.get("authorization", "")),
                 "dpop": bool(req.headers.get("dpop")), "details": dict(req.details)}
        with self.lock:
            self.seq += 1
            entry["seq"], entry["time"] = self.seq, time.time()
            self.items.append(entry)
            if len(self.items) > MAX_LOG:
                del self.items[: len(self.items) - MAX_LOG]

    def entries(self) -> list:
        with self.lock:
            return list(self.items)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


class SimApp:
    """Everything a handler needs (`ctx`): state, config, limits, faults, log, body validation."""

    def __init__(self, seed=None):
        self.initial_seed = seed
        self.state = SimState(seed)
        self.config = SimConfig()
        self.limiter = RateLimiter(self.config)
        self.faults = FaultInjector(self.config, self.limiter)
        self.log = RequestLog()
        self.url = ""
        self.ca_path = ""
        self.private_keys = install_client_keys(self.state)

    def validate(self, kind: str, body) -> None:
        validate(kind, body)

    def reset(self, seed=None) -> None:
        self.state.reset(self.initial_seed if seed is None else seed)
        self.private_keys = install_client_keys(self.state)
        self.config.reset()

    def info(self) -> dict:
        okta = self.state.data["okta"]
        client = next(iter(okta["oauth_clients"].values()), {})
        clients = {cid: {"client_id": cid, "key_id": c.get("key_id"), "private_key_pem": self.private_keys.get(cid),
                         "require_dpop": bool(c.get("require_dpop")), "dpop_api_nonce": bool(c.get("dpop_api_nonce"))}
                   for cid, c in okta["oauth_clients"].items()}
        return {"url": self.url, "ca_path": str(self.ca_path), "api_token": (okta["api_tokens"] or [None])[0],
                "oauth_client_id": client.get("client_id"), "oauth_key_id": client.get("key_id"),
                "oauth_private_key_pem": self.private_keys.get(client.get("client_id")),
                "oauth_clients": clients, "secrets": self.secrets()}

    def secrets(self) -> list:
        """Every canary the state holds (short patched values are left out: they would match anywhere)."""
        with self.state.lock:
            found = list(self.state.data["okta"]["api_tokens"])
            for user in self.state.data["salesforce"]["users"].values():
                password, token = user.get("password") or "", user.get("security_token") or ""
                found += [password, token, password + token]
            for connection in self.state.data["okta"]["connections"].values():
                found.append(connection.get("profile", {}).get("token") or "")
            found += list(self.state.oauth_secrets)   # client assertions, DPoP proofs, access tokens
            found += list(self.state.sf_sessions)     # Salesforce session ids the SOAP login issued
        for pem in self.private_keys.values():
            lines = [line for line in pem.splitlines() if line and not line.startswith("-----")]
            found += [pem] + lines[:1] + lines[len(lines) // 2: len(lines) // 2 + 1] + lines[-2:-1]
        return sorted({s for s in found if isinstance(s, str) and len(s) >= 8})

    # ----- dispatch ---------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        if req.path.startswith("/_sim/"):
            return control.handle(self, req)
        if req.path.startswith("/services/"):
            family = "salesforce"
        elif req.path.rstrip("/") == "/oauth2/v1/token":
            family = "oauth2"
        elif req.path.startswith("/api/"):
            family = okta_api.family_of(req.path)
        else:
            resp = okta_error(404, "E0000007", f"Not found: Resource not found: {req.path} (path)", request_id=req.request_id)
            return self._finish(req, resp, "unknown")
        if family == "salesforce":
            injected = self.faults.before(family, req.request_id)
            if injected is not None:
                return self._finish(req, injected, family)
            with self.state.lock:
                if req.path.startswith("/services/Soap/"):
                    return self._finish(req, salesforce_api.soap_login(req, self.state), family)
                return self._finish(req, salesforce_api.rest(req, self.state), family)
        allowed, limit_headers = self.limiter.acquire(family)
        if not allowed:
            resp = okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.",
                              request_id=req.request_id)
        else:
            try:   # injected latency counts as time in flight (concurrency limit)
                resp = self.faults.before(family, req.request_id) or self._okta(req, family)
            finally:
                self.limiter.release()
        resp.headers = {**limit_headers, **resp.headers}
        return self._finish(req, resp, family)

    def _okta(self, req: Request, family: str) -> Response:
        try:
            if len(req.path) + len(req.raw_query) > MAX_URL:
                raise OktaFailure(414, "E0000001", "Api validation failed: request", ["The request URL is too long."])
            if family == "oauth2":
                if req.method != "POST":
                    raise OktaFailure(405, "E0000022", "The endpoint does not support the provided HTTP method")
                return token_endpoint(req, self.state, self.config, self.url)
            route, params, path_known = okta_api.match(req.method, req.path)
            if route is None:
                if path_known:
                    raise OktaFailure(405, "E0000022", "The endpoint does not support the provided HTTP method")
                raise OktaFailure(404, "E0000007", f"Not found: Resource not found: {req.path} (path)")
            req.params = params
            with self.state.lock:   # handlers are short; one lock keeps reads consistent with writes
                authenticate(req, self.state, route.scope)
                return route.handler(self, req)
        except OktaFailure as failure:
            return okta_error(failure.status, failure.code, failure.summary, failure.causes,
                              request_id=req.request_id, headers=failure.headers)
        except BadBody as bad:
            return okta_error(400, "E0000003", bad.summary, bad.causes, request_id=req.request_id)

    def _finish(self, req: Request, resp: Response, family: str) -> Response:
        if resp.fault is None:
            lost = self.faults.after(req.method, req.path)
            if lost is not None:   # handled, then the answer is lost: the log keeps what it would have been
                req.details["dropped_status"] = resp.status
                resp = lost
        resp.headers["X-Okta-Request-Id"] = req.request_id
        self.log.add(req, resp, family)
        return resp


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "OktaSalesforceSimulator/1.0"
    timeout = 60

    def log_message(self, format, *args):  # noqa: A002  (quiet: the request log is the record)
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _sep, query = self.path.partition("?")
        host = self.headers.get("Host") or self.server.app.url.split("://", 1)[1]
        req = Request(self.command, path, query, {k.lower(): v for k, v in self.headers.items()}, body, f"https://{host}")
        try:
            resp = self.server.app.handle(req)
        except Exception as exc:  # a simulator bug: answer like Okta's 500, keep serving
            resp = okta_error(500, "E0000009", "Internal Server Error", [f"simulator error: {type(exc).__name__}: {exc}"],
                              request_id=req.request_id)
        if resp.drop:
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            return
        self.send_response(resp.status)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if resp.body and self.command != "HEAD":
            self.wfile.write(resp.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, address, app: SimApp, tls: ssl.SSLContext):
        super().__init__(address, Handler)
        self.app = app
        self.tls = tls

    def finish_request(self, request, client_address):
        try:
            conn = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except (ssl.SSLError, ConnectionError, TimeoutError, OSError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        pass
