"""`python -m tests.simulator`: serve the simulator until SIGINT/SIGTERM (see README.md)."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import threading
from pathlib import Path

from .seed import DEFAULT_SEED, load_seed
from .server import SimApp, SimServer
from .tls import CERTIFICATES, make_server_context


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.simulator", description=__doc__)
    parser.add_argument("--seed", default=str(DEFAULT_SEED), help="seed file (YAML or JSON)")
    parser.add_argument("--port", type=int, default=8443, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--ca-cert", default=None, help="where to write the CA certificate (PEM)")
    parser.add_argument("--certificate", default="valid", choices=CERTIFICATES,
                        help="the server certificate: valid, wrong_host (for other names) or expired")
    parser.add_argument("--workdir", default=None, help="where to keep the server key and certificate")
    parser.add_argument("--published-api-only", action="store_true", help="answer as Okta's published API does today")
    parser.add_argument("--rate-limit", type=int, default=None, help="requests per window and endpoint family")
    parser.add_argument("--rate-window", type=float, default=60.0, help="rate-limit window in seconds")
    parser.add_argument("--concurrency", type=int, default=0, help="concurrent request limit (0: none)")
    args = parser.parse_args(argv)

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="oktasim-"))
    ca_path = Path(args.ca_cert or workdir / "ca.pem").resolve()
    try:
        app = SimApp(load_seed(args.seed))
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot load seed {args.seed}: {exc}", file=sys.stderr)
        return 2
    server = SimServer(("127.0.0.1", args.port), app, make_server_context(ca_path, workdir, args.certificate))
    app.url = f"https://127.0.0.1:{server.server_address[1]}"
    app.ca_path = str(ca_path)
    changes = {}
    if args.published_api_only:
        changes["published_api_only"] = True
    if args.rate_limit is not None or args.concurrency:
        changes["rate_limit"] = {"limit": args.rate_limit or 10000, "window": args.rate_window,
                                 "concurrency": args.concurrency}
    app.config.update(changes)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(json.dumps({"url": app.url, "ca_path": str(ca_path), "api_token": app.info()["api_token"]}), flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
