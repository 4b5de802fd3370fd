"""`make demo`: start the simulator and list the seeded Salesforce apps through the collection's client."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "build" / "collections"))

# pylint: disable=wrong-import-position
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import app_summary  # noqa: E402
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaClient  # noqa: E402

from tests.simulator import Simulator  # noqa: E402

SEED = REPO / "tests" / "simulator" / "seeds" / "default.yaml"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="okta-sf-demo-") as workdir, Simulator(seed=SEED, workdir=workdir) as sim:
        print(f"Simulator (Okta org + Salesforce org) listening on {sim.url}")
        client = OktaClient(sim.url, api_token=sim.api_token, ca_path=sim.ca_path)
        apps = list(client.paginate("/api/v1/apps", params={"filter": 'name eq "salesforce"', "limit": 200}))
        print(f"Salesforce app instances in the org: {len(apps)}")
        for app in apps:
            summary = app_summary(client, app)
            print(f"  - {summary['label']} ({summary['id']}): {summary['instance_type']}, status {summary['status']}")
        print(f"API calls made: {client.api_calls}")
    print("Simulator stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
