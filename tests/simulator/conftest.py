"""Fixtures for the simulator's own tests: a running simulator and HTTP sessions that trust its CA."""
from __future__ import annotations

import pytest
import requests

from tests.simulator import Simulator


class Client:
    """requests with the simulator's CA and an Okta auth header (REQUESTS_CA_BUNDLE in the
    environment would override a session-level `verify`, so it is passed per call)."""

    def __init__(self, sim: Simulator, auth: str | None = None):
        self.sim = sim
        self.session = requests.Session()
        self.session.trust_env = False
        self.auth = auth if auth is not None else f"SSWS {sim.api_token}"

    def __call__(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.auth:
            headers.setdefault("Authorization", self.auth)
        url = path if path.startswith("https://") else self.sim.url + path
        return self.session.request(method, url, headers=headers, verify=self.sim.ca_path, timeout=30, **kwargs)

    def get(self, path, **kw):
        return self("GET", path, **kw)

    def post(self, path, **kw):
        return self("POST", path, **kw)

    def put(self, path, **kw):
        return self("PUT", path, **kw)

    def delete(self, path, **kw):
        return self("DELETE", path, **kw)


@pytest.fixture
def sim(tmp_path):
    with Simulator(workdir=tmp_path / "sim") as running:
        yield running


@pytest.fixture
def okta(sim):
    return Client(sim)
