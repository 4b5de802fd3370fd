# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event source for ansible-rulebook: Okta System Log events of Salesforce provisioning, one org or many.

The reading, filtering, shaping and position are in plugins/module_utils/_system_log.py; this file is the
asyncio loop ansible-rulebook calls (`main(queue, args)`) and its documentation.
"""

from __future__ import annotations

DOCUMENTATION = r"""
---
short_description: Okta System Log events of Salesforce provisioning, for ansible-rulebook
description:
  - Polls Okta's System Log (C(GET /api/v1/logs)) of one or more Okta orgs with the documented polling pattern
    (C(since), C(sortOrder=ASCENDING), then each answer's C(rel="next") link), with the collection's Okta client
    (API token, or OAuth 2.0 service app with private_key_jwt and DPoP; X-Rate-Limit-* pacing, 429 and 5xx retries).
  - Sends the events of the Salesforce app instances it watches, as C(event.okta_sf) with C(org), C(org_url),
    C(uuid), C(published), C(event_type), C(category), C(app) (C(id), C(label)), C(outcome) (C(result), C(reason)),
    C(actor), C(by_automation), C(target_user), C(message), C(recent_failures) and C(failure_burst).
  - "C(category): C(settings_change) (application.lifecycle.update, application.lifecycle.deactivate,
    application.configuration.update), C(push_failure) (an application.provision.user.* event that failed),
    C(provisioning_outcome) (one that did not), C(credentials_failure) (application.integration.authentication_failure),
    C(integration_failure) (application.integration.general_failure, rate_limit_exceeded), C(assignment_change)
    (application.user_membership.*, group.application_assignment.*)."
  - C(by_automation) is true when the actor is the principal this source polls as (the API token's admin, or the
    service app) or one of C(ignore_actors): the rulebook does not answer the automation's own changes.
  - C(recent_failures) counts this app's push failures within C(push_failure_window) seconds, this one included;
    C(failure_burst) is true once it reaches C(push_failure_threshold) (a rule condition sees one event at a time,
    so the source counts).
  - Each event is delivered once. Its uuid is saved to C(state_file) as soon as ansible-rulebook has taken it from
    the source's queue, with the link to read next, so a restart reads on from there, repeating and missing nothing.
options:
  orgs:
    description:
      - The Okta orgs to watch. Each has C(name), the org's inventory host (the playbooks run against it), and
        C(org_url); a credential (C(api_token), or C(client_id) with C(private_key) or C(private_key_file) and
        C(key_id)), else the environment's (C(OKTA_API_TOKEN) or C(OKTA_CLIENT_ID) and C(OKTA_PRIVATE_KEY)) when
        C(OKTA_ORG_URL) is this org's URL; optionally C(apps) (labels or ids; default every Salesforce app),
        C(ignore_actors), C(ca_path), C(validate_certs), C(dpop).
      - The credential needs the scopes okta.logs.read, okta.apps.read and okta.users.read.
    type: list
    elements: dict
    required: true
  state_file:
    description: Where the position is kept between runs (JSON, mode 0600). Without it a restart starts from now.
    type: str
  since:
    description: Where the first run starts (ISO 8601); later runs start from the state file. Default now.
    type: str
  interval:
    description: Seconds between polls of each org when the last answer had no more events.
    type: float
    default: 15
  push_failure_window:
    description: Seconds over which recent_failures counts an app's push failures.
    type: float
    default: 300
  push_failure_threshold:
    description: The recent_failures from which failure_burst is true.
    type: int
    default: 10
  ignore_actors:
    description: Actor ids or logins whose changes are marked by_automation, for every org (each org can add its own).
    type: list
    elements: str
  ca_path:
    description: CA bundle for the Okta orgs' certificates (env C(OKTA_CA_PATH)).
    type: str
  timeout:
    description: Seconds to wait for each answer.
    type: float
    default: 30
"""

EXAMPLES = r"""
- name: Answer Okta changes to Salesforce provisioning
  hosts: all
  sources:
    - idm.okta_salesforce.okta_system_log:
        orgs:
          - name: acme_prod
            org_url: https://acme.okta.com
            api_token: "{{ okta_api_token }}"
        state_file: /var/lib/eda/okta_system_log.json
  rules:
    - name: Someone changed the provisioning settings
      condition: event.okta_sf.category == "settings_change" and not event.okta_sf.by_automation
      action:
        debug:
"""

import asyncio
import logging
import os
import sys

# ansible-rulebook runs this file by path (runpy): the collection's own module_utils are imported from the
# collections directory above it (<root>/ansible_collections/idm/okta_salesforce/extensions/eda/plugins/event_source).
_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), *[os.pardir] * 7))
if os.path.isdir(os.path.join(_ROOT, "ansible_collections")) and _ROOT not in sys.path:
    sys.path.append(_ROOT)

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError  # noqa: E402
from ansible_collections.idm.okta_salesforce.plugins.module_utils._system_log import (  # noqa: E402
    MAX_PAGES_PER_POLL,
    SourceConfigError,
    number_arg,
    org_logs_from_args,
)

LOGGER = logging.getLogger("idm.okta_salesforce.okta_system_log")


async def _taken(queue):
    """Until ansible-rulebook has taken the queued event: its source queue holds one event, and one still in the
    queue when the source stops is lost with it, so it must not count as delivered yet."""
    inner = getattr(queue, "queue", queue)      # ansible-rulebook's FilteredQueue wraps an asyncio.Queue
    spins = 0
    while not inner.empty():
        await asyncio.sleep(0 if spins < 20 else 0.005)
        spins += 1


async def _deliver(queue, org_log):
    """Read this org's pages until one is not full; queue each new event, and once ansible-rulebook has taken it,
    save it as delivered. A stop at any await loses nothing: an event not yet taken is read again after a restart."""
    for _page_number in range(MAX_PAGES_PER_POLL):
        page = await asyncio.to_thread(org_log.read_page)
        for event in org_log.new_events(page):
            await queue.put(event)
            await _taken(queue)
            org_log.delivered(event)
        org_log.page_done(page)
        if not page.full:
            return


async def main(queue, args):
    org_logs = org_logs_from_args(args)
    interval = number_arg(args, "interval")
    for org_log in org_logs:
        LOGGER.info("Polling the System Log of %s (%s)%s", org_log.name, org_log.client.org_url,
                    " from the saved position" if org_log.position.get("next") else "")
    while True:
        for org_log in org_logs:
            try:
                await _deliver(queue, org_log)
            except OktaApiError as error:
                if error.status in (401, 403):
                    # Okta refuses this credential: polling again would only fill Okta's log with refusals.
                    raise SourceConfigError(f"{org_log.name}: {error}") from None
                LOGGER.warning("%s: System Log not read this time, trying again in %s s: %s", org_log.name, interval, error)
        await asyncio.sleep(interval)
