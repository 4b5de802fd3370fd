"""Key pairs for the seeded OAuth service apps: the public half is registered in the state,
the private half is handed to tests (`Simulator.oauth_private_key_pem`)."""
from __future__ import annotations

import threading

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_CACHE = {}          # client_id -> private PEM: RSA generation is slow, reuse it within a process
_LOCK = threading.Lock()


def _generate() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def install_client_keys(state) -> dict:
    """Give every OAuth client a key pair (seeded `private_key_pem` wins); returns client_id -> private PEM."""
    private = {}
    with state.lock:
        for client_id, client in state.data["okta"]["oauth_clients"].items():
            pem = client.pop("private_key_pem", None)
            if pem is None:
                with _LOCK:
                    if client_id not in _CACHE:
                        _CACHE[client_id] = _generate()
                    pem = _CACHE[client_id]
            key = serialization.load_pem_private_key(pem.encode(), password=None)
            client["public_key_pem"] = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
            private[client_id] = pem
    return private
