# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reconcile logic of okta_sf_provisioning (internal).

Everything is read and planned before the first write, so that bad input and impossible requests
fail with nothing written; then only what differs is written, in the order the Admin Console does
it: the app, its API integration (connection), To App, To Okta. In check mode nothing is written
and the plan is the result.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import (
    AppLookupError,
    admin_console_url,
    app_summary,
    apps_labelled,
    create_app,
    find_app,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._desired_state import (
    MASK,
    SECRET_WILL_BE_SENT,
    StateDiff,
    deep_merge,
    differences,
    drop_unset,
    managed_view,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils import _provisioning_settings as settings
from ansible_collections.idm.okta_salesforce.plugins.module_utils import _okta_api_integration as connection
from ansible_collections.idm.okta_salesforce.plugins.module_utils import _integration_versions as versions
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import whitespace_problem

APPS_PATH = "/api/v1/apps"
# What create_app makes when instance_type / integration_type are not set.
NEW_APP_TYPES = {"instance_type": "production", "integration_type": "standard"}
# Read-only members of an app object, left out of the PUT that updates it.
_APP_READ_ONLY = ("_links", "_embedded", "created", "lastUpdated", "features", "orn")


# The writes of a run, as a failure half-way through names them.
STEP_APP_CREATED = "the app (created)"
STEP_APP_UPDATED = "the app's instance and integration type"
STEP_CONNECTION = {"save": "the API integration (credentials saved and tested, enabled)",
                   "activate": "the API integration (enabled)", "deactivate": "the API integration (disabled)"}
STEP_TO_APP = "the To App settings"
STEP_TO_OKTA = "the To Okta settings"


class ProvisioningError(CollectionError):
    """A failure whose message already says what is wrong and what to do."""


@dataclass
class WantedProvisioning:
    """The module's options, checked; None means "not set, leave as it is"."""

    app_id: str | None = None
    app_label: str | None = None
    create_app: bool = False
    instance_type: str | None = None
    integration_type: str | None = None
    state: str = "enabled"
    manage_connection: bool = True
    sf_username: str | None = None
    secret: str | None = field(default=None, repr=False)   # password + security token, joined
    update_credentials: str = "on_create"
    allow_push_null_values: bool | None = None
    to_app: dict = field(default_factory=dict)
    to_okta: dict = field(default_factory=dict)
    sf_auth: str = versions.PASSWORD_TOKEN          # the integration version asked for
    consumer_key: str | None = None                 # OAuth version
    consumer_secret: str | None = field(default=None, repr=False)
    switch_version: bool = False

    @property
    def oauth(self):
        return self.sf_auth == versions.OAUTH

    @property
    def credentials_given(self):
        """The secret(s) of the version asked for are given."""
        return bool(self.consumer_key and self.consumer_secret) if self.oauth else bool(self.secret)


@dataclass
class _Plan:
    """What a run found and what it will write."""

    app: dict | None = None                 # the app object as read (None: to be created)
    app_changes: dict = field(default_factory=dict)         # settings.app members to PUT
    current_connection: connection.ConnectionState | None = None
    connection_action: str | None = None    # save | activate | deactivate | None
    after_connection: connection.ConnectionState | None = None
    settings_source: str | None = None      # features_api | okta_defaults | app_features | None
    features_refusal: object = None         # Okta's answer when the features API is not exposed (OktaApiError)
    current_caps: dict = field(default_factory=dict)         # feature name -> capabilities read
    to_app_before: dict | None = None
    to_okta_before: dict | None = None
    to_app_changes: dict = field(default_factory=dict)
    to_okta_after: dict | None = None
    warnings: list = field(default_factory=list)
    unverified: list = field(default_factory=list)


def _upper(value):
    return value.upper() if value else None


class ProvisioningReconciler:
    """One run of okta_sf_provisioning against one app."""

    def __init__(self, client, wanted, check_mode=False):
        self.client = client
        self.wanted = wanted
        self.check_mode = check_mode
        self.plan = _Plan()
        self.diff = StateDiff()
        self.wrote = False
        self.written = []   # the steps Okta accepted, in order (for a failure half-way through)

    # ---- entry point ------------------------------------------------------------------------
    def run(self):
        """Read, plan, write what differs; returns the module's result."""
        connection.register_secret(self.client, self.wanted.secret)
        connection.register_secret(self.client, self.wanted.consumer_secret)
        self._check_combinations()
        self._plan_app()
        if self.wanted.manage_connection:
            self._plan_connection()
        else:
            self._verify_hand_made_connection()
        if self.wanted.state == "enabled":
            self._plan_settings()
        if not self.check_mode:
            self._apply_saying_what_was_written()
        return self._result()

    def _check_combinations(self):
        wanted = self.wanted
        if not wanted.manage_connection and wanted.state == "disabled":
            raise ProvisioningError("state=disabled turns the API integration off, which manage_connection=false forbids: "
                                    "set manage_connection=true, or turn provisioning off in the Admin Console.")
        if not wanted.manage_connection and wanted.create_app:
            raise ProvisioningError("create_app=true makes a new app, which has no hand-made API integration to verify: "
                                    "use manage_connection=true with create_app=true.")
        if wanted.state == "disabled" and (wanted.to_app or wanted.to_okta):
            self.plan.warnings.append("to_app and to_okta are ignored with state=disabled: Okta keeps them while provisioning is off.")
        if not wanted.manage_connection and (wanted.secret or wanted.sf_username or wanted.allow_push_null_values is not None
                                             or wanted.consumer_key or wanted.consumer_secret):
            self.plan.warnings.append("sf_username, sf_password, sf_security_token, sf_consumer_key, sf_consumer_secret and "
                                      "allow_push_null_values are ignored with manage_connection=false: the API integration "
                                      "is left as it was set up by hand.")
        elif wanted.oauth and (wanted.secret or wanted.allow_push_null_values is not None):
            self.plan.warnings.append("sf_password, sf_security_token and allow_push_null_values belong to the password_token "
                                      "version and are ignored with sf_auth=oauth.")
        elif not wanted.oauth and (wanted.consumer_key or wanted.consumer_secret):
            self.plan.warnings.append("sf_consumer_key and sf_consumer_secret belong to the oauth version and are ignored "
                                      "with sf_auth=password_token.")

    # ---- the app ----------------------------------------------------------------------------
    def _plan_app(self):
        wanted = self.wanted
        try:
            app = find_app(self.client, app_id=wanted.app_id, app_label=wanted.app_label)
        except AppLookupError:
            # find_app raises the same error for "missing" and "ambiguous": create only when no
            # Salesforce app carries the label, even in another letter case.
            if not (wanted.create_app and wanted.app_label and _label_is_free(self.client, wanted.app_label)):
                raise
            app = None
        wanted_types = drop_unset({"instance_type": wanted.instance_type, "integration_type": wanted.integration_type})
        if app is None:
            new_app = dict(self._new_app_types(), label=wanted.app_label)
            self.diff.record("app", {"exists": False}, dict(new_app, exists=True))
            return
        self.plan.app = app
        current_types = {name: value for name, value in app_summary(self.client, app).items() if name in NEW_APP_TYPES}
        changes = differences(wanted_types, current_types)
        if wanted_types:
            self.diff.record("app", managed_view(current_types, wanted_types), deep_merge(managed_view(current_types, wanted_types), changes))
        self.plan.app_changes = changes

    # ---- the API integration (connection) ---------------------------------------------------
    def _plan_connection(self):
        wanted, plan = self.wanted, self.plan
        wanted_scheme = versions.AUTH_SCHEMES[wanted.sf_auth]
        if plan.app is None:
            current = connection.ConnectionState(status=None, auth_scheme=wanted_scheme)
        else:
            current = connection.read_connection(self.client, plan.app["id"])
            if not current.exposed:
                raise self._published_api_only(current.not_exposed_reason, current.refusal)
            self._check_version(current)
        plan.current_connection = current
        if wanted.state == "disabled":
            plan.connection_action = "deactivate" if current.enabled else None
            after = copy.copy(current)
            after.status = "DISABLED" if current.enabled else current.status
        else:
            plan.connection_action = self._connection_action(current)
            after = copy.copy(current)
            if plan.connection_action in ("save", "activate"):
                after.status = "ENABLED"
                after.auth_scheme = wanted_scheme
            if plan.connection_action == "save" and wanted.oauth:
                after.username = after.allow_push_null_values = None
                after.consumer_key = wanted.consumer_key
                # A save asks for the consent again (modelled): Okta's link comes with its answer.
                after.authorize_url = None
                after.predicted_consent = "pending"
            elif plan.connection_action == "save":
                after.username = wanted.sf_username
                after.allow_push_null_values = self._push_null_to_send(current)
                after.consumer_key = after.authorize_url = None
        if plan.app is None and self.check_mode:
            # No app, no connection to read: whether this org exposes it is unknown until the app exists.
            after.status = after.auth_scheme = "UNKNOWN"
            plan.warnings.append(
                f"App {self._app_name()} does not exist yet, so whether this org exposes its API integration through "
                "the API cannot be known before a real run creates it: connection.status is UNKNOWN, not a prediction "
                "of success. Okta documents the connections API for other apps than Salesforce only; on an org that "
                "does not expose it, the real run creates the app (changed), then fails naming the new app and its "
                "Admin Console link.")
        plan.after_connection = after
        self._record_connection_diff(current, after)

    def _check_version(self, current):
        """A run that asks for one integration version on an app set up with the other changes nothing, unless
        switch_version=true."""
        wanted = self.wanted
        if current.version in (None, wanted.sf_auth):
            return
        if wanted.switch_version and wanted.state == "enabled":
            if not wanted.credentials_given:
                raise ProvisioningError(
                    f"switch_version=true moves app {self._app_name()} from the {current.version} version to the "
                    f"{wanted.sf_auth} version, which needs the new version's credentials: "
                    + ("sf_consumer_key and sf_consumer_secret" if wanted.oauth
                       else "sf_username, sf_password and sf_security_token") + ". Nothing was changed.",
                    connection=current.as_result())
            self.plan.warnings.append(
                f"switch_version=true: app {self._app_name()} moves from the {current.version} version (authScheme "
                f"{current.auth_scheme}) to the {wanted.sf_auth} version; Okta replaces the stored credentials.")
            return
        raise ProvisioningError(
            f"App {self._app_name()} uses Okta's {current.version} Salesforce integration (its connection's authScheme is "
            f"{current.auth_scheme}), and this run asks for the {wanted.sf_auth} version (sf_auth={wanted.sf_auth}). "
            f"Nothing was changed. Set sf_auth={current.version} to manage the app as it is, or switch_version=true "
            "(with the new version's credentials) to move it to the version asked for.",
            connection=current.as_result())

    def _connection_action(self, current):
        """save (POST the credentials), activate (keep the stored ones) or None."""
        wanted = self.wanted
        if wanted.oauth:
            return self._oauth_connection_action(current)
        if current.version != wanted.sf_auth and current.version is not None:
            return "save"   # switch_version (checked in _check_version)
        # Salesforce usernames are not case-sensitive: a change of case alone is no change.
        username_changes = wanted.sf_username is not None and wanted.sf_username.lower() != (current.username or "").lower()
        push_null_changes = (wanted.allow_push_null_values is not None
                             and wanted.allow_push_null_values != bool(current.allow_push_null_values))
        if not current.enabled:
            if wanted.secret:
                return "save"
            if current.username and not username_changes and not push_null_changes:
                return "activate"
            raise ProvisioningError(
                f"The API integration of app {self._app_name()} is not enabled, and enabling it needs the Salesforce "
                "API user's credentials: give sf_username, sf_password and sf_security_token. Nothing was changed.")
        reasons = []
        if wanted.update_credentials == "always":
            reasons.append("update_credentials=always")
        if username_changes:
            reasons.append(f"sf_username changes from {current.username} to {wanted.sf_username}")
        if push_null_changes:
            reasons.append("allow_push_null_values changes (Okta saves it together with the credentials)")
        if not reasons:
            return None
        if not wanted.secret:
            raise ProvisioningError(
                f"The API integration of app {self._app_name()} must be saved again ({'; '.join(reasons)}), which needs "
                "sf_password and sf_security_token. Nothing was changed.")
        return "save"

    def _oauth_connection_action(self, current):
        """OAuth version: save (POST the consumer key and secret), activate, or None (also while consent is pending:
        the consent needs a browser, a rerun only verifies it)."""
        wanted = self.wanted
        switching = current.version not in (None, versions.OAUTH)
        key_changes = wanted.consumer_key is not None and wanted.consumer_key != current.consumer_key
        if switching or not current.consumer_key or key_changes or wanted.update_credentials == "always":
            if not wanted.credentials_given:
                reason = ("enabling it" if not current.consumer_key else
                          "update_credentials=always" if not key_changes else "sf_consumer_key changes")
                raise ProvisioningError(
                    f"The API integration of app {self._app_name()} (OAuth version) must be saved ({reason}), which needs "
                    "the connected app's sf_consumer_key and sf_consumer_secret. Nothing was changed.")
            return "save"
        if not current.enabled:
            return "activate"
        return None

    def _push_null_to_send(self, current):
        if self.wanted.allow_push_null_values is not None:
            return self.wanted.allow_push_null_values
        return bool(current.allow_push_null_values)

    def _record_connection_diff(self, current, after):
        wanted = self.wanted
        before_view = {"status": current.status}
        after_view = {"status": after.status}
        if wanted.sf_username is not None:
            before_view["username"], after_view["username"] = current.username, after.username
        if wanted.allow_push_null_values is not None:
            before_view["allow_push_null_values"] = current.allow_push_null_values
            after_view["allow_push_null_values"] = after.allow_push_null_values
        if wanted.oauth or current.version != after.version:
            before_view["version"], after_view["version"] = current.version, after.version
        if wanted.oauth:
            before_view["consumer_key"], after_view["consumer_key"] = current.consumer_key, after.consumer_key
            before_view["consent"], after_view["consent"] = current.consent, after.consent
        stored = MASK if (current.consumer_key if wanted.oauth else current.username) else None
        if self.plan.connection_action == "save":
            before_view["credentials"], after_view["credentials"] = stored, SECRET_WILL_BE_SENT
        elif wanted.consumer_secret if wanted.oauth else wanted.secret:
            before_view["credentials"] = after_view["credentials"] = stored
        self.diff.record("connection", before_view, after_view)

    def _verify_hand_made_connection(self):
        """manage_connection=false: provisioning must already be on, as the app's `features` show.

        The connection is read for the report only: an org that does not expose it (UNKNOWN, or a refusal
        `not_exposed` recognises) never fails the run; it is reported as UNKNOWN.
        """
        self.plan.current_connection = self.plan.after_connection = connection.read_connection(self.client, self.plan.app["id"])
        if not self.plan.app.get("features"):
            raise ProvisioningError(
                f"Provisioning is not enabled on app {self._app_name()}: its features list is empty. With "
                "manage_connection=false the API integration must be set up by hand first; do it in the Admin Console: "
                f"{self._admin_url()} (or let this module do it with manage_connection=true).")

    # ---- To App and To Okta -----------------------------------------------------------------
    def _plan_settings(self):
        plan = self.plan
        caps = self._read_features() if plan.app is not None else None
        if caps is None and not self.wanted.manage_connection:
            self._plan_from_features_array()
            return
        if caps is None:
            refusal = plan.features_refusal
            if plan.app is not None and (plan.current_connection.enabled and plan.connection_action is None):
                raise self._published_api_only(
                    connection.refusal_text(refusal, "its features API") + ", although the connection is enabled", refusal)
            if plan.app is not None and refusal.status != 400:
                # Only a 400 is the answer Okta documents for "provisioning is not enabled yet"; a 403, 404 or
                # 501 says the features API is not there for this app: stop before the save and its Salesforce login.
                raise self._published_api_only(connection.refusal_text(refusal, "its features API"), refusal)
            # Okta answers 400 until provisioning is on: plan from its documented defaults, re-read after enabling.
            plan.settings_source = "okta_defaults"
            caps = {}
        else:
            plan.settings_source = "features_api"
        plan.current_caps = caps
        self._plan_capabilities(caps)

    def _read_features(self):
        caps, self.plan.features_refusal = settings.read_capabilities(self.client, self.plan.app["id"])
        return caps

    def _plan_capabilities(self, caps):
        plan, wanted = self.plan, self.wanted
        plan.to_app_before = settings.to_app_view(caps.get(settings.USER_PROVISIONING) if caps else None)
        plan.to_okta_before = settings.to_okta_view(caps.get(settings.INBOUND_PROVISIONING) if caps else None)
        plan.to_app_changes = differences(wanted.to_app, plan.to_app_before)
        if wanted.to_app:
            before = managed_view(plan.to_app_before, wanted.to_app)
            self.diff.record("to_app", before, deep_merge(before, plan.to_app_changes))
        wanted_to_okta = settings.wanted_to_okta(wanted.to_okta)
        to_okta_changes = differences(wanted_to_okta, plan.to_okta_before)
        if to_okta_changes:
            plan.to_okta_after = deep_merge(plan.to_okta_before, to_okta_changes)
            settings.check_resulting_to_okta(plan.to_okta_after)
        if wanted_to_okta:
            before = managed_view(plan.to_okta_before, wanted_to_okta)
            self.diff.record("to_okta", before, deep_merge(before, to_okta_changes))

    def _plan_from_features_array(self):
        """The org does not expose the features API: compare what the app's `features` array shows."""
        plan, wanted = self.plan, self.wanted
        plan.settings_source = "app_features"
        visible = settings.to_app_from_features(plan.app.get("features"))
        plan.to_app_before = visible
        wanted_visible = drop_unset(managed_view(wanted.to_app, visible))
        if wanted_visible:
            before = managed_view(visible, wanted_visible)
            self.diff.record("to_app", before, before)
        hidden = sorted(_paths(differences(wanted.to_app, managed_view(wanted.to_app, visible))))
        plan.unverified = [f"to_app.{path}" for path in hidden] + [f"to_okta.{path}" for path in sorted(_paths(wanted.to_okta))]
        if plan.unverified:
            why = connection.refusal_text(plan.features_refusal, "its features API") if plan.features_refusal else None
            plan.warnings.append(
                "This org does not expose the To App / To Okta settings through its API"
                + (f" ({why})" if why else "") + "; these cannot be checked here: "
                f"{', '.join(plan.unverified)}. Check them in the Admin Console: {self._admin_url()}")
        differing = differences(wanted_visible, visible)
        if differing:
            shown = ", ".join(f"to_app.{path}: wanted {value}, shown {_get(visible, path)}" for path, value in _paths(differing).items())
            raise ProvisioningError(
                f"The To App settings of app {self._app_name()} differ from what is wanted ({shown}), and this org does not "
                f"expose them through its API. Change them in the Admin Console: {self._admin_url()}",
                features=plan.app.get("features"), to_app=visible)

    # ---- writes -----------------------------------------------------------------------------
    def _planned_steps(self):
        plan = self.plan
        steps = []
        if plan.app is None:
            steps.append(STEP_APP_CREATED)
        elif plan.app_changes:
            steps.append(STEP_APP_UPDATED)
        if plan.connection_action:
            steps.append(STEP_CONNECTION[plan.connection_action])
        if self.wanted.state == "enabled" and plan.settings_source in ("features_api", "okta_defaults"):
            if plan.to_app_changes or plan.settings_source == "okta_defaults":
                steps.append(STEP_TO_APP)
            if plan.to_okta_after is not None or plan.settings_source == "okta_defaults":
                steps.append(STEP_TO_OKTA)
        return steps

    def _apply_saying_what_was_written(self):
        """_apply(); a failure after Okta accepted some steps says which were written and which were not
        (an admin whose role lost its write permission half-way, a refused settings write)."""
        planned = self._planned_steps()
        try:
            self._apply()
        except CollectionError as error:
            left = [step for step in planned if step not in self.written]
            if self.written:
                error.args = (f"{error} Written before this failure: {', '.join(self.written)}. Not written: "
                              f"{', '.join(left) or 'nothing else was planned'}. Fix the cause and run the task again: "
                              "it writes only what still differs.",)
            elif left:
                error.args = (f"{error} Nothing was written to Okta (planned: {', '.join(left)}).",)
            raise

    def _apply(self):
        plan = self.plan
        if plan.app is None:
            self._create_app()
        elif plan.app_changes:
            self._update_app()
        self._apply_connection()
        if self.wanted.state != "enabled":
            return
        if plan.settings_source == "okta_defaults":
            # Provisioning has just been turned on: plan again from what Okta really holds.
            caps = self._read_features()
            if caps is None:
                raise self._published_api_only(
                    connection.refusal_text(plan.features_refusal, "its features API") + ", after the connection was enabled",
                    plan.features_refusal)
            plan.settings_source = "features_api"
            plan.current_caps = caps
            self._plan_capabilities(caps)
        if plan.settings_source != "features_api":
            return
        app_id = plan.app["id"]
        if plan.to_app_changes:
            body = settings.user_provisioning_body(plan.to_app_changes)
            self.client.put(settings.FEATURE_PATH.format(app_id=app_id, name=settings.USER_PROVISIONING), json=body)
            self.wrote = True
            self.written.append(STEP_TO_APP)
        if plan.to_okta_after is not None:
            body = settings.inbound_provisioning_body(plan.to_okta_after, plan.current_caps.get(settings.INBOUND_PROVISIONING))
            self.client.put(settings.FEATURE_PATH.format(app_id=app_id, name=settings.INBOUND_PROVISIONING), json=body)
            self.wrote = True
            self.written.append(STEP_TO_OKTA)

    def _create_app(self):
        types = self._new_app_types()
        body = {"name": "salesforce", "label": self.wanted.app_label, "signOnMode": "SAML_2_0",
                "settings": {"app": {"instanceType": _upper(types["instance_type"]),
                                     "integrationType": _upper(types["integration_type"])}}}
        self.plan.app = create_app(self.client, body, params={"activate": "true"})
        self.wrote = True
        self.written.append(STEP_APP_CREATED)
        if self.wanted.manage_connection:
            # A new app's connection is read, not assumed, before it is saved. Not exposed: the app exists now
            # (changed), and the failure names it, with its link and what to do next.
            current = connection.read_connection(self.client, self.plan.app["id"])
            if not current.exposed:
                raise connection.published_api_only(
                    self.client.org_url, self.plan.app["id"], current.refusal, current.not_exposed_reason,
                    created_app=app_summary(self.client, self.plan.app), version=self.wanted.sf_auth)
            self.plan.current_connection = current

    def _update_app(self):
        app = {key: value for key, value in self.plan.app.items() if key not in _APP_READ_ONLY}
        app = copy.deepcopy(app)
        app_settings = app.setdefault("settings", {}).setdefault("app", {})
        if "instance_type" in self.plan.app_changes:
            app_settings["instanceType"] = _upper(self.plan.app_changes["instance_type"])
        if "integration_type" in self.plan.app_changes:
            app_settings["integrationType"] = _upper(self.plan.app_changes["integration_type"])
        self.plan.app = self.client.put(f"{APPS_PATH}/{self.plan.app['id']}", json=app) or self.plan.app
        self.wrote = True
        self.written.append(STEP_APP_UPDATED)

    def _apply_connection(self):
        plan, wanted = self.plan, self.wanted
        app_id = plan.app["id"] if plan.app else None
        if plan.connection_action == "save" and wanted.oauth:
            plan.after_connection = connection.save_oauth_connection(
                self.client, app_id, wanted.consumer_key, wanted.consumer_secret, plan.current_connection)
        elif plan.connection_action == "save":
            plan.after_connection = connection.save_connection(
                self.client, app_id, wanted.sf_username, wanted.secret,
                self._push_null_to_send(plan.current_connection), plan.current_connection)
        elif plan.connection_action == "activate":
            connection.activate_connection(self.client, app_id, plan.current_connection)
            if wanted.oauth:
                # Whether Okta still asks for the consent is Okta's to say: read it, never assume it.
                plan.after_connection = connection.read_connection(self.client, app_id)
        elif plan.connection_action == "deactivate":
            connection.deactivate_connection(self.client, app_id)
        else:
            return
        self.wrote = True
        self.written.append(STEP_CONNECTION[plan.connection_action])

    # ---- result -----------------------------------------------------------------------------
    def _result(self):
        plan = self.plan
        app = plan.app
        if app is not None and self.wrote:
            app = self.client.get(f"{APPS_PATH}/{app['id']}")
        connection_result = plan.after_connection.as_result() if plan.after_connection else None
        if connection_result and connection_result["consent"] == "pending":
            if not connection_result["consent_url"] and app is not None:
                connection_result["consent_url"] = admin_console_url(self.client.org_url, app["id"])
            plan.warnings.append(self._consent_pending_message(connection_result["consent_url"]))
        return {
            "changed": self.diff.changed,
            "app": self._app_result(app),
            "connection": connection_result,
            "to_app": deep_merge(plan.to_app_before, plan.to_app_changes) if plan.to_app_before is not None else None,
            "to_okta": (plan.to_okta_after or plan.to_okta_before) if plan.settings_source != "app_features" else None,
            "settings_source": plan.settings_source,
            "unverified": plan.unverified,
            "features": list((app or {}).get("features") or []),
            "diff": self.diff.as_dict(),
            "warnings": plan.warnings,
        }

    def _consent_pending_message(self, consent_url):
        would = "would be" if self.check_mode else "is"
        return (
            f"The OAuth API integration of app {self._app_name()} {would} saved, but provisioning does not work until an "
            "admin gives the consent in a browser (\"Authenticate with Salesforce.com\": sign in to Salesforce as the "
            f"integration user and allow access): {consent_url or 'the app Provisioning tab in the Admin Console'} . "
            "Rerun afterwards: the run checks the consent and changes nothing else that is in place.")

    def _app_result(self, app):
        if app is None:
            return dict(self._new_app_types(), id=None, label=self.wanted.app_label, name="salesforce",
                        status=None, admin_url=None)
        return app_summary(self.client, app)

    def _new_app_types(self):
        wanted = {"instance_type": self.wanted.instance_type, "integration_type": self.wanted.integration_type}
        return dict(NEW_APP_TYPES, **drop_unset(wanted))

    # ---- helpers ----------------------------------------------------------------------------
    def _app_name(self):
        app = self.plan.app
        if app is None:
            return repr(self.wanted.app_label)
        return f"{app.get('label')!r} ({app['id']})"

    def _admin_url(self):
        return admin_console_url(self.client.org_url, self.plan.app["id"])

    def _published_api_only(self, reason=None, okta_error=None):
        return connection.published_api_only(self.client.org_url, self.plan.app["id"], okta_error, reason=reason,
                                             version=self.wanted.sf_auth)


def _label_is_free(client, label):
    """True when no Salesforce app has this label (create_app must never make a duplicate)."""
    return not apps_labelled(client, label)


def _paths(tree, prefix=""):
    """{"a.b": value} for every leaf of a nested dict."""
    found = {}
    for key, value in (tree or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(_paths(value, path + "."))
        else:
            found[path] = value
    return found


def _get(tree, path):
    for key in path.split("."):
        tree = (tree or {}).get(key)
    return tree


def wanted_from_params(params):
    """The module's parameters, checked before any request; raises ValueError subclasses on bad input.

    The Salesforce password and security token are joined here (and only here) into the one secret
    Okta stores.
    """
    connection.check_username(params.get("sf_username"))
    sf_auth = params.get("sf_auth") or versions.PASSWORD_TOKEN
    oauth = sf_auth == versions.OAUTH
    for option in ("sf_consumer_key", "sf_consumer_secret"):
        problem = whitespace_problem(option, params.get(option)) if oauth else None
        if problem:
            raise connection.CredentialsInputError(f"{problem}: remove it (the value is not shown). Nothing was sent to Okta.")
    if oauth and params.get("sf_consumer_secret") and not params.get("sf_consumer_key") \
            and params.get("manage_connection", True) and params.get("state", "enabled") == "enabled":
        raise connection.CredentialsInputError(
            "sf_consumer_secret goes with sf_consumer_key (Okta saves both together): give the connected app's consumer "
            "key too. Nothing was sent to Okta.")
    secret = None
    if params.get("sf_password") is not None and not oauth:
        secret = connection.join_credentials(params["sf_password"], params.get("sf_security_token"))
    if params.get("update_credentials") == "always" and params.get("state", "enabled") == "enabled" \
            and params.get("manage_connection", True) and (not params.get("sf_consumer_secret") if oauth else secret is None):
        raise connection.CredentialsInputError(
            "update_credentials=always sends the credentials on every run: give "
            + ("sf_consumer_key and sf_consumer_secret." if oauth else "sf_username, sf_password and sf_security_token."))
    to_okta = drop_unset(params.get("to_okta") or {})
    settings.check_to_okta(to_okta)
    return WantedProvisioning(
        app_id=params.get("app_id"),
        app_label=params.get("app_label"),
        create_app=bool(params.get("create_app")),
        instance_type=params.get("instance_type"),
        integration_type=params.get("integration_type"),
        state=params.get("state") or "enabled",
        manage_connection=params.get("manage_connection", True) is not False,
        sf_username=params.get("sf_username"),
        secret=secret,
        update_credentials=params.get("update_credentials") or "on_create",
        allow_push_null_values=params.get("allow_push_null_values"),
        to_app=drop_unset(params.get("to_app") or {}),
        to_okta=to_okta,
        sf_auth=sf_auth,
        consumer_key=params.get("sf_consumer_key") if oauth else None,
        consumer_secret=params.get("sf_consumer_secret") if oauth else None,
        switch_version=bool(params.get("switch_version")),
    )
