"""Requests and answers as the handlers see them, and Okta's error body."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs


def new_request_id() -> str:
    return secrets.token_urlsafe(18).replace("-", "x").replace("_", "y")


@dataclass
class Request:
    method: str
    path: str                 # without the query string
    raw_query: str
    headers: dict             # lower-case names
    body: bytes
    base_url: str             # https://host:port as the client addressed us
    request_id: str = field(default_factory=new_request_id)
    params: dict = field(default_factory=dict)   # path parameters from the route
    auth: dict = field(default_factory=dict)     # who called: {"kind": "SSWS"|"Bearer"|"DPoP", ...}
    details: dict = field(default_factory=dict)  # what a handler wants in the request log (token requests: jti, DPoP)
    handled: bool = False                         # a handler ran (no fault or 429 answered before it)

    def __post_init__(self):
        self.query = parse_qs(self.raw_query, keep_blank_values=True)

    def arg(self, name: str, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def json(self):
        """The JSON body, or raises BadBody (answered as Okta's E0000003)."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise BadBody("The request body was not well-formed.") from exc


class BadBody(Exception):
    """A body that Okta would refuse as not well-formed (E0000003)."""

    def __init__(self, summary: str, causes=()):
        super().__init__(summary)
        self.summary = summary
        self.causes = list(causes)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    drop: bool = False          # close the connection without answering (fault injection)
    fault: str | None = None    # which injected fault shaped this answer, for the log
    delay: float = 0.0          # seconds to hold the answer (an answer lost to the client's timeout)


def json_response(status: int, obj, headers: dict | None = None) -> Response:
    body = b"" if obj is None else json.dumps(obj).encode()
    hdrs = {"Content-Type": "application/json"} if obj is not None else {}
    hdrs.update(headers or {})
    return Response(status, body, hdrs)


def no_content() -> Response:
    return Response(204)


def okta_error(status: int, code: str, summary: str, causes=(), request_id: str | None = None,
               headers: dict | None = None) -> Response:
    """Okta's error body (contract section 1); errorId is the request id, as Okta does."""
    body = {"errorCode": code, "errorSummary": summary, "errorLink": code,
            "errorId": request_id or new_request_id(),
            "errorCauses": [{"errorSummary": c} for c in causes]}
    return json_response(status, body, headers)


class OktaFailure(Exception):
    """Raised by handlers to answer with an Okta error."""

    def __init__(self, status: int, code: str, summary: str, causes=(), headers: dict | None = None):
        super().__init__(summary)
        self.status, self.code, self.summary, self.causes = status, code, summary, list(causes)
        self.headers = headers or {}


def not_found(what: str) -> OktaFailure:
    return OktaFailure(404, "E0000007", f"Not found: Resource not found: {what}")


def validation_failed(what: str, *causes: str) -> OktaFailure:
    return OktaFailure(400, "E0000001", f"Api validation failed: {what}", causes)
