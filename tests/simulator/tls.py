"""A throwaway certificate authority and a loopback server certificate, made fresh per run.

Clients must verify TLS against the simulator exactly as against a real org, so the server
certificate is signed by a CA whose PEM is written where the caller asks (`ca_path`).

`certificate` picks the server certificate, all signed by that CA: "valid" (for 127.0.0.1 and
localhost), "wrong_host" (valid, but for other names only: a client of https://127.0.0.1 meets a
hostname mismatch) or "expired" (for the right names, expired a day ago).
`write_unrelated_ca()` writes another CA's PEM: a wrong `ca_path` that exists and reads fine.
"""
from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Okta Salesforce Simulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


CERTIFICATES = ("valid", "wrong_host", "expired")


def _make_ca(start, end):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder().subject_name(_name("Simulator Test CA")).issuer_name(_name("Simulator Test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return ca_key, ca_cert


def write_unrelated_ca(path: Path) -> Path:
    """Another throwaway CA's certificate (PEM) at `path`: it signed nothing the simulator serves."""
    now = datetime.datetime.now(datetime.timezone.utc)
    _key, ca_cert = _make_ca(now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=2))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return path


def make_server_context(ca_path: Path, workdir: Path, certificate: str = "valid") -> ssl.SSLContext:
    """Create a CA and a server certificate (`certificate`, one of CERTIFICATES); write the CA PEM to `ca_path`."""
    if certificate not in CERTIFICATES:
        raise ValueError(f"certificate must be one of {CERTIFICATES}, not {certificate!r}")
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=2)
    ca_key, ca_cert = _make_ca(start, end)
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    common_name = "localhost"
    if certificate == "wrong_host":
        names, common_name = [x509.DNSName("sim.example.com")], "sim.example.com"
    if certificate == "expired":
        start, end = now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)
    san = x509.SubjectAlternativeName(names)
    cert = (
        x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = Path(ca_path)
    ca_path.parent.mkdir(parents=True, exist_ok=True)
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    chain_path = workdir / "server-cert.pem"
    key_path = workdir / "server-key.pem"
    chain_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(_pem_key(key))
    key_path.chmod(0o600)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(chain_path, key_path)
    return context
