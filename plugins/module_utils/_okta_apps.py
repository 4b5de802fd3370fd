# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find an Okta app instance by id or label, and link to it in the Admin Console.

Internal to this collection; the interface may change without notice.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import (
    OKTA_HOSTED_DOMAINS,
    OktaApiError,
    answer_may_be_lost,
)

APPS_PAGE_SIZE = 200


class AppLookupError(CollectionError):
    """The app asked for is missing or ambiguous; the message lists the candidates (label and id)."""


def _describe(apps):
    if not apps:
        return "none"
    return ", ".join(f"'{app.get('label')}' (id {app.get('id')}, {app.get('status', 'status unknown')})" for app in apps)


def _find_by_id(client, app_id, app_name):
    try:
        app = client.get(f"/api/v1/apps/{quote(str(app_id), safe='')}")
    except OktaApiError as error:
        if error.status == 404:
            raise AppLookupError(
                f"No Okta app with id '{app_id}' in {client.org_url} (HTTP 404, request id {error.request_id}). "
                "Check app_id, or name the app by app_label.") from None
        raise
    if app_name and app.get("name") != app_name:
        raise AppLookupError(
            f"The Okta app with id '{app_id}' ('{app.get('label')}') is a '{app.get('name')}' app, not '{app_name}'. "
            f"Check app_id, or set app_name: {app.get('name')} if that app is the one meant.")
    return app


def list_apps(client, app_name="salesforce"):
    """Every app instance of `app_name` in the org (all pages)."""
    name = str(app_name).replace('"', '\\"')
    return client.paginate("/api/v1/apps", params={"filter": f'name eq "{name}"', "limit": APPS_PAGE_SIZE})


def apps_labelled(client, label, app_name="salesforce"):
    """The `app_name` apps whose label is `label`, compared as Okta users see labels (case and outer spaces aside)."""
    wanted = label.strip().lower()
    return [app for app in list_apps(client, app_name) if (app.get("label") or "").strip().lower() == wanted]


def create_app(client, body, params=None):
    """POST a new app whose label no app of its name has yet; returns the app object.

    A create is not idempotent: resent after a lost answer (reset, 5xx, timeout) it would make a second app
    with the same label. So a lost answer is read back by label first: the app found is the one created;
    only when none is found is the create sent again (at most max_retries times).
    """
    for attempt in range(client.max_retries + 1):
        if attempt:
            client.pause_before_retry(attempt)
            found = apps_labelled(client, body["label"], body["name"])
            if len(found) == 1:
                return found[0]   # the create whose answer was lost did happen
            if found:
                raise AppLookupError(
                    f"Okta's answer to the creation of app '{body['label']}' was lost, and {len(found)} apps with that "
                    f"label exist now: {_describe(found)}. Keep one (set app_id to it) and delete the others.")
        try:
            return client.post("/api/v1/apps", json=body, params=params, idempotent=False)
        except OktaApiError as error:
            if not answer_may_be_lost(error) or attempt == client.max_retries:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _find_by_label(client, app_label, app_name):
    candidates = list(list_apps(client, app_name))
    matches = [app for app in candidates if app.get("label") == app_label]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AppLookupError(
            f"{len(matches)} '{app_name}' apps are labelled '{app_label}': {_describe(matches)}. "
            "Set app_id to the one to manage.")
    raise AppLookupError(
        f"No '{app_name}' app labelled '{app_label}' in {client.org_url}. "
        f"The '{app_name}' apps there: {_describe(candidates)}. Labels must match exactly; or set app_id.")


def find_app(client, app_id=None, app_label=None, app_name="salesforce"):
    """The app object, by id (GET /api/v1/apps/{id}) or by exact label among the `app_name` apps.

    By id, the app must be an `app_name` app unless app_name is None. AppLookupError when the app is
    missing, ambiguous or of another kind; OktaApiError for any other failed call.
    """
    if bool(app_id) == bool(app_label):
        raise AppLookupError("Name the Okta app by exactly one of app_id or app_label.")
    if app_id:
        return _find_by_id(client, app_id, app_name)
    return _find_by_label(client, app_label, app_name or "salesforce")


def admin_console_url(org_url, app_id, app_name="salesforce"):
    """The Admin Console page of the app's provisioning tab.

    Okta-hosted orgs (`acme.okta.com`) have their console on `acme-admin.okta.com`; custom domains and
    local servers are linked on the org URL itself.
    """
    parts = urlsplit(org_url)
    host = (parts.hostname or "").lower()
    netloc = parts.netloc
    for domain in OKTA_HOSTED_DOMAINS:
        if host.endswith("." + domain):
            subdomain = host[: -len(domain) - 1]
            if "." not in subdomain and not subdomain.endswith("-admin"):
                netloc = netloc.lower().replace(host, f"{subdomain}-admin.{domain}", 1)
            break
    path = f"/admin/app/{quote(str(app_name), safe='')}/instance/{quote(str(app_id), safe='')}/#tab-user-management"
    return f"{parts.scheme}://{netloc}{path}"


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def app_summary(client, app):
    """The fields of an app that results and reports show."""
    settings = (app.get("settings") or {}).get("app") or {}
    return {
        "id": app.get("id"),
        "label": app.get("label"),
        "name": app.get("name"),
        # Lower case, as the modules' instance_type and integration_type options spell them.
        "instance_type": _lower(settings.get("instanceType")),
        "integration_type": _lower(settings.get("integrationType")),
        "status": app.get("status"),
        "admin_url": admin_console_url(client.org_url, app.get("id"), app.get("name") or "salesforce"),
    }
