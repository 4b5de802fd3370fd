# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Salesforce API user's fitness checks, their remedies, and the run that ties them together
(internal to this collection).

`LOGIN_FAULT_REMEDIES` is the collection's one table of Salesforce login fault codes: the credentials
test and okta_sf_provisioning (when Okta's credentials test is refused) give the same remedy.

The rules are pure functions that turn what the login and the SOQL queries returned into checks
`{name, status: pass|warn|fail, detail, remedy}`; they see which option holds whitespace, never a
password or token value. `run_credentials_test()` at the end does the login and the queries
(through `_salesforce`) and applies the rules in order.

A check that cannot run because an earlier one failed (no login, expired password, a failed
query) is still reported, with status fail and a detail that starts with "Not checked:", so the
list always has the same names and `passed` can never be true without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce import (
    SalesforceInputError,
    SalesforceLoginError,
    build_session,
    insecure_request_warnings_silenced,
    login_endpoint,
    read_fitness_records,
    soap_login,
    tls_verify_setting,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import (
    TRANSPORT_KINDS,
    SecretScrubber,
    TransportOptions,
    token_appended_problem,
    transport_advice,
    whitespace_problem,
)

PASS = "pass"
WARN = "warn"
FAIL = "fail"

# The order in which checks are reported; org_type_matches_app only when an Okta app is given.
CHECK_ORDER = (
    "secrets_whitespace",
    "login",
    "password_not_expired",
    "user_active",
    "standard_user",
    "api_enabled_on_profile",
    "manage_users_on_profile",
    "delegated_auth_off",
    "org_type_matches_app",
)
USER_CHECKS = ("user_active", "standard_user", "api_enabled_on_profile", "manage_users_on_profile", "delegated_auth_off")

NOT_RUN_REMEDY = "Fix the failing check named in the detail, then run the test again."

PROFILE_PATH = "Setup > Users > Profiles > {profile} > System Permissions"
PERMISSION_SET_PATH = "Setup > Users > Permission Sets > {name} > System Permissions"
RESET_TOKEN_PATH = "log in as the API user, then Settings > My Personal Information > Reset My Security Token"
# "To enable it, go to User Interface in Setup and select Enable SOAP API login()" (Salesforce, SOAP API Developer
# Guide, login(): https://developer.salesforce.com/docs/platform/api/guide/sforce-api-calls-login.html).
SOAP_LOGIN_SETTING = "Setup > User Interface > Enable SOAP API login()"


@dataclass
class Check:
    """One check result. `ran` is False for a check that could not run because an earlier one failed."""

    name: str
    status: str
    detail: str
    remedy: str = ""
    ran: bool = True

    def as_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "detail": self.detail, "remedy": self.remedy}


def not_run(name: str, reason: str) -> Check:
    """A check that could not run: reported as failed so that `passed` can never be true without it."""
    return Check(name, FAIL, f"Not checked: {reason}", NOT_RUN_REMEDY, ran=False)


# ---------------------------------------------------------------- secrets_whitespace

def secrets_whitespace_check(sf_password: str | None, sf_security_token: str | None) -> Check:
    found = (whitespace_problem("sf_password", sf_password), whitespace_problem("sf_security_token", sf_security_token))
    problems = [problem for problem in found if problem]
    if not problems:
        return Check("secrets_whitespace", PASS, "Neither sf_password nor sf_security_token holds whitespace.")
    return Check(
        "secrets_whitespace", FAIL,
        "; ".join(problems) + ". Salesforce would reject the joined password and token, so no login was attempted.",
        "Copy the value again without spaces, tabs or line breaks. A trailing newline usually comes from a file "
        "or vault lookup: apply the `trim` filter or fix the stored secret.",
    )


# ---------------------------------------------------------------- login

# Salesforce's "Platform SOAP API login() Retirement" (Knowledge article 005132110) and the login() page: login()
# is off by default in orgs created from Winter '26, absent from API 65.0 on, retired for every version in
# Summer '27; where Salesforce enforces it, the user also needs the Use Any API Auth permission.
SOAP_LOGIN_UNAVAILABLE_DETAIL = (
    "Salesforce refused the SOAP API login() call ({code}: {message}). Okta's Salesforce integration with a username, "
    "password and security token logs in with the same call, so it cannot work on this org either."
)
SOAP_LOGIN_UNAVAILABLE_REMEDY = (
    f"If the org still allows it, an administrator can turn the call on: {SOAP_LOGIN_SETTING} (off by default in orgs "
    "created from Winter '26; where Salesforce enforces the Use Any API Auth permission, the API user needs it too). "
    "Salesforce retires login() for every API version in Summer '27, so the lasting fix is Okta's OAuth version of "
    "the integration (Okta: \"Configure OAuth and REST integration\" for the Salesforce app), which does not use a "
    "password and security token; this collection does not set that version up yet, so configure it in the Okta "
    "Admin Console."
)
SOAP_LOGIN_VERSION_REMEDY = (
    "Set sf_api_version to 64.0 or lower (the default is 64.0): Salesforce's SOAP login() does not exist from API "
    "version 65.0, and is retired for every version in Summer '27."
)

# One remedy per login fault code (contract section 4). Each is read on its own, after the fault, both in
# the credentials test's login check and in okta_sf_provisioning's failure, so it names no single module.
LOGIN_FAULT_REMEDIES = {
    "INVALID_LOGIN": (
        "Check sf_username, sf_password and sf_security_token. After a password reset or change Salesforce "
        f"emails the user a new security token, so the old one stops working (to get a new one: {RESET_TOKEN_PATH}). "
        "Also check that the user is active and not frozen (Setup > Users > Users) and that the login goes to the "
        "user's org: a sandbox user logs in at test.salesforce.com or the sandbox's My Domain (sf_domain or "
        "sf_login_url for okta_sf_credentials_test, instance_type sandbox for the Okta app). Each failed login counts "
        "toward the user's lockout, so fix the credentials before the next run (no login was retried); Salesforce "
        "gives this code to a locked-out user too (\"...; or user locked out.\"): if Setup > Users > Users > the user "
        "shows an Unlock button, the user is locked (see PASSWORD_LOCKOUT)."
    ),
    "LOGIN_MUST_USE_SECURITY_TOKEN": (
        "Set sf_security_token: the login comes from outside the org's trusted IP ranges, so Salesforce needs the "
        f"password followed by the user's security token ({RESET_TOKEN_PATH})."
    ),
    "API_DISABLED_FOR_ORG": (
        "Grant API Enabled to the user on its profile "
        f"({PROFILE_PATH.format(profile='<profile>')} > API Enabled). "
        "If the profile already has it, the org's edition does not include API access: ask Salesforce to enable it."
    ),
    "API_CURRENTLY_DISABLED": (
        "If the message says the API is disabled for this user, grant API Enabled on the user's profile "
        f"({PROFILE_PATH.format(profile='<profile>')} > API Enabled). Otherwise Salesforce has turned the API off "
        "for a while because of a system problem: check https://status.salesforce.com and try again later."
    ),
    # Sources: Salesforce Help "Unlock Users" (https://help.salesforce.com/s/articleView?id=platform.users_unlock.htm:
    # the Unlock button "appears only when a user is locked out"; the Failed Login Attempts field); Object Reference,
    # UserLogin.IsPasswordLocked (with a Lockout effective period of "Forever (must be reset by admin)" it is not
    # cleared); Maximum invalid login attempts 10 by default (okta-salesforce-api.md section 4); Lockout effective
    # period "The default is 15 minutes" (Salesforce's field help, quoted at
    # http://www.sfdc316.com/2015/03/salesforce-profiles-password-policies.html); the user's Login History shows when
    # the password lockout happened ("Salesforce.com Customization Handbook", Packt, "Locking and unlocking users").
    "PASSWORD_LOCKOUT": (
        "Too many failed logins locked the user out (Setup > Password Policies > Maximum invalid login attempts, 10 by "
        "default). Salesforce now refuses every login of this user, Okta's provisioning included, and no login was "
        "retried. Unlock it at once: Setup > Users > Users > the user > Unlock (shown only while the user is locked). "
        "Or wait for the Lockout effective period of Setup > Password Policies (15 minutes by default; with Forever "
        "only an administrator can unlock): the lock ends that long after the failed login that set it, whose time "
        "the user's Login History shows (Setup > Users > Users > the user > Login History). Before the next run, fix "
        "the password or security token that caused the failures, wherever this run reads it from and in Okta."
    ),
    "LOGIN_DURING_RESTRICTED_DOMAIN": (
        "The user's profile allows logins only from some IP addresses. Add the addresses Okta and this Ansible "
        "host connect from to Setup > Users > Profiles > the user's profile > Login IP Ranges."
    ),
    "LOGIN_DURING_RESTRICTED_TIME": (
        "The user's profile forbids logins at this time. Allow all hours for the integration profile: "
        "Setup > Users > Profiles > the user's profile > Login Hours."
    ),
    "INVALID_OPERATION_WITH_EXPIRED_PASSWORD": (
        "The password has expired. Log in to Salesforce as the user and set a new password (or reset it: "
        "Setup > Users > Users > the user > Reset Password), then update sf_password and sf_security_token "
        "(Salesforce emails a new token). Set the profile's password policy to Never expires to avoid a repeat."
    ),
    "INSUFFICIENT_ACCESS": (
        f"The user may not log in through the API. Grant API Enabled on its profile ({PROFILE_PATH.format(profile='<profile>')}); "
        "in orgs that enforce it, also grant the Use Any API Auth permission."
    ),
}
SALESFORCE_FAULT_CODES = tuple(LOGIN_FAULT_REMEDIES)
UNKNOWN_FAULT_REMEDY = (
    "Look the code up in Salesforce's API fault codes (SOAP API Developer Guide, ExceptionCode) and fix the "
    "user or org setting it names."
)

PROTOCOL_REMEDY = ("Check that sf_domain or sf_login_url points at a Salesforce login endpoint and not at another "
                   "web server (a proxy login page, for example).")
# The options a transport failure's advice names.
TRANSPORT_OPTIONS = TransportOptions(url="sf_domain or sf_login_url", ca_path="sf_ca_path",
                                     validate_certs="sf_validate_certs", timeout="sf_timeout")


def login_fault_remedy(code: str | None) -> str:
    """What to do about the Salesforce login fault `code`."""
    return LOGIN_FAULT_REMEDIES.get(code, UNKNOWN_FAULT_REMEDY)


def login_failed_check(code: str, message: str, kind: str) -> Check:
    """The `login` check for a failed login. `kind`: fault, retired, version, protocol or one of TRANSPORT_KINDS."""
    if kind == "retired":
        return Check("login", FAIL, SOAP_LOGIN_UNAVAILABLE_DETAIL.format(code=code, message=message),
                     SOAP_LOGIN_UNAVAILABLE_REMEDY)
    if kind == "version":
        return Check("login", FAIL, f"SOAP API login() is not available at this API version: {message}",
                     SOAP_LOGIN_VERSION_REMEDY)
    if kind == "protocol":
        return Check("login", FAIL, message, PROTOCOL_REMEDY)
    if kind in TRANSPORT_KINDS:
        return Check("login", FAIL, message, transport_advice(kind, TRANSPORT_OPTIONS))
    return Check("login", FAIL, f"Salesforce refused the login with {code}: {message}", login_fault_remedy(code))


def login_passed_check(username: str, server_host: str, api_version: str) -> Check:
    return Check("login", PASS, f"Logged in as {username} on {server_host} with SOAP API {api_version}.")


def password_not_expired_check(password_expired: bool | None, username: str) -> Check:
    if not password_expired:
        return Check("password_not_expired", PASS, "The password has not expired.")
    return Check(
        "password_not_expired", FAIL,
        f"The password of {username} has expired: Salesforce lets this session only set a new password, "
        "so Okta's provisioning calls would fail.",
        login_fault_remedy("INVALID_OPERATION_WITH_EXPIRED_PASSWORD"),
    )


# ---------------------------------------------------------------- user and permissions

def user_active_check(user: dict) -> Check:
    if user.get("IsActive"):
        return Check("user_active", PASS, "The user is active.")
    return Check(
        "user_active", FAIL, f"The user {user.get('Username')} is inactive.",
        "Activate the user: Setup > Users > Users > the user > Edit > Active.",
    )


def standard_user_check(user: dict) -> Check:
    """Whether an account is dedicated to Okta cannot be seen through the API; its user type can."""
    user_type = user.get("UserType")
    if user_type == "Standard":
        return Check("standard_user", PASS, "The user is a standard (internal) Salesforce user.")
    return Check(
        "standard_user", WARN,
        f"The user type is {user_type}, not Standard: portal, community and guest users cannot manage users.",
        "Use a dedicated integration user with a Salesforce license (user type Standard) that serves only Okta.",
    )


def _extra_permission_sets(permission_sets: list[dict]) -> list[dict]:
    """The assigned permission sets other than the one that mirrors the profile."""
    return [ps for ps in permission_sets if not ps.get("IsOwnedByProfile")]


def _granted_on_profile_check(name: str, label: str, field: str, user: dict, permission_sets: list[dict]) -> Check:
    profile = user.get("Profile") or {}
    profile_name = profile.get("Name") or "<profile>"
    remedy = (
        f"Okta's Salesforce guide asks for {label} on the API user's profile: "
        f"{PROFILE_PATH.format(profile=profile_name)} > {label} (or give the user a profile that has it)."
    )
    if profile.get(field):
        return Check(name, PASS, f"Profile '{profile_name}' grants {label}.")
    granting = [ps.get("Name") for ps in _extra_permission_sets(permission_sets) if ps.get(field)]
    if granting:
        return Check(
            name, WARN,
            f"{label} comes only from permission set(s) {', '.join(repr(n) for n in granting)}, "
            f"not from profile '{profile_name}'.",
            remedy,
        )
    return Check(name, FAIL, f"Neither profile '{profile_name}' nor any assigned permission set grants {label}.", remedy)


def api_enabled_on_profile_check(user: dict, permission_sets: list[dict]) -> Check:
    return _granted_on_profile_check("api_enabled_on_profile", "API Enabled", "PermissionsApiEnabled", user, permission_sets)


def manage_users_on_profile_check(user: dict, permission_sets: list[dict]) -> Check:
    return _granted_on_profile_check("manage_users_on_profile", "Manage Users", "PermissionsManageUsers", user, permission_sets)


def delegated_auth_off_check(user: dict, permission_sets: list[dict], on_profiles: bool = True,
                             on_permission_sets: bool = True) -> Check:
    """Delegated authentication makes Salesforce check passwords elsewhere, which breaks Okta's API login.

    `on_profiles` / `on_permission_sets`: whether the org has the permission there at all (Profile.IsSsoEnabled,
    PermissionSet.PermissionsIsSsoEnabled, from the describes). It exists only once delegated authentication is
    enabled in the org (Salesforce Knowledge article 000386846); where it does not exist it cannot be on.
    """
    profile = user.get("Profile") or {}
    profile_name = profile.get("Name") or "<profile>"
    extra = _extra_permission_sets(permission_sets)
    if not on_profiles and not on_permission_sets:
        return Check(
            "delegated_auth_off", PASS,
            "Delegated authentication is not available in this org: profiles and permission sets have no Is Single "
            "Sign-On Enabled permission (no IsSsoEnabled field), so Salesforce checks the API user's password itself.",
        )
    offenders, paths = [], []
    if on_profiles and profile.get("IsSsoEnabled"):
        offenders.append(f"profile '{profile_name}'")
        paths.append(PROFILE_PATH.format(profile=profile_name))
    for ps in extra if on_permission_sets else []:
        if ps.get("PermissionsIsSsoEnabled"):
            offenders.append(f"permission set '{ps.get('Name')}'")
            paths.append(PERMISSION_SET_PATH.format(name=ps.get("Name")))
    if not offenders:
        where = [f"profile '{profile_name}'" if on_profiles else None,
                 f"the {len(extra)} assigned permission set(s)" if on_permission_sets else None]
        absent = "permission sets" if on_profiles else "profiles"
        note = "" if on_profiles and on_permission_sets else f" (the org's {absent} have no such permission)"
        return Check(
            "delegated_auth_off", PASS,
            f"Is Single Sign-On Enabled is off on {' and on '.join(w for w in where if w)}{note}.",
        )
    return Check(
        "delegated_auth_off", FAIL,
        f"Delegated authentication (Is Single Sign-On Enabled) is on for {', '.join(offenders)}.",
        "Turn Is Single Sign-On Enabled off for the API user in " + "; ".join(paths)
        + ". With it on, Salesforce checks the password against the delegated authentication service and "
        "Okta's API login fails.",
    )


# ---------------------------------------------------------------- Okta app

def org_type_matches_app_check(org_is_sandbox: bool | None, app: dict) -> Check:
    """Compare the Salesforce org's sandbox flag with the Okta app's settings.app.instanceType."""
    label = f"'{app.get('label')}' ({app.get('id')})"
    instance_type = ((app.get("settings") or {}).get("app") or {}).get("instanceType")
    org_kind = "a sandbox" if org_is_sandbox else "a production org"
    if org_is_sandbox is None:
        return Check(
            "org_type_matches_app", FAIL,
            "Whether the Salesforce org is a sandbox could not be read (neither the login answer nor the Organization query gave it).",
            "Make sure the API user can read the Organization object (View Setup and Configuration), then run the test again.",
        )
    if instance_type not in ("SANDBOX", "PRODUCTION", "GOVERNMENT"):
        return Check(
            "org_type_matches_app", WARN,
            f"Okta app {label} has no known instanceType ({instance_type!r}); the Salesforce org is {org_kind}.",
            "Set the app's instance type: Okta Admin Console > Applications > the app > General, "
            "or instance_type with okta_sf_provisioning.",
        )
    if (instance_type == "SANDBOX") == bool(org_is_sandbox):
        return Check("org_type_matches_app", PASS, f"The Salesforce org is {org_kind} and Okta app {label} has instanceType {instance_type}.")
    wanted = "SANDBOX" if org_is_sandbox else "PRODUCTION (or GOVERNMENT)"
    return Check(
        "org_type_matches_app", FAIL,
        f"The Salesforce org is {org_kind} but Okta app {label} has instanceType {instance_type}.",
        f"Either use the credentials of a user in the org the app is for, or set the app's instance type to {wanted} "
        "(Okta Admin Console > Applications > the app > General, or instance_type with okta_sf_provisioning).",
    )


# ---------------------------------------------------------------- the run

@dataclass
class CredentialsReport:
    """What the module returns; `checks` in CHECK_ORDER."""

    checks: list = field(default_factory=list)
    user: dict = field(default_factory=lambda: dict.fromkeys(("id", "username", "profile", "user_type", "active")))
    org: dict = field(default_factory=lambda: dict.fromkeys(("id", "name", "is_sandbox", "organization_type", "instance")))
    login: dict = field(default_factory=lambda: dict(
        dict.fromkeys(("login_host", "api_version", "server", "sandbox", "password_expired", "fault")), attempted=False))
    warnings: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)   # result keys of the OAuth / admin-session run (_salesforce_oauth)

    @property
    def passed(self) -> bool:
        return not any(check.status == FAIL for check in self.checks)

    @property
    def failures(self) -> list:
        """Failed checks that ran (the causes), without the ones that could not run."""
        return [check for check in self.checks if check.status == FAIL and check.ran]

    @property
    def warnings_raised(self) -> list:
        return [check for check in self.checks if check.status == WARN]

    def add_not_run(self, names, reason: str) -> None:
        self.checks.extend(not_run(name, reason) for name in names)

    def summary(self, username: str) -> str:
        """One message naming each failed check with its remedy."""
        parts = [f"{check.name}: {check.detail} Remedy: {check.remedy}" for check in self.failures]
        skipped = sum(1 for check in self.checks if not check.ran)
        text = f"Salesforce credentials test for {username} failed {len(self.failures)} check(s). " + " | ".join(parts)
        if skipped:
            text += f" ({skipped} further check(s) could not run.)"
        return text

    def scrub(self, secrets) -> None:
        scrubber = SecretScrubber(secrets)
        for check in self.checks:
            check.detail = scrubber.scrub(check.detail)
            check.remedy = scrubber.scrub(check.remedy)

    def as_result(self) -> dict:
        return {
            "passed": self.passed,
            "checks": [check.as_dict() for check in self.checks],
            "user": self.user,
            "org": self.org,
            "login": self.login,
            **self.extra,
        }


def _names_after(name: str, with_app: bool) -> list:
    names = list(CHECK_ORDER[CHECK_ORDER.index(name) + 1:])
    return names if with_app else [n for n in names if n != "org_type_matches_app"]


def _fill_from_login(report: CredentialsReport, answer) -> None:
    info = answer.user_info
    report.login.update(server=answer.instance, sandbox=answer.sandbox, password_expired=answer.password_expired)
    report.user.update(id=answer.user_id, username=info.get("userName"), user_type=info.get("userType"))
    report.org.update(id=info.get("organizationId"), name=info.get("organizationName"), is_sandbox=answer.sandbox)


def _profile_permission_check(rule, name: str, field: str, user: dict, records) -> Check:
    """api_enabled_on_profile or manage_users_on_profile from what could be read: a profile that grants the
    permission needs no permission set; otherwise a failed PermissionSetAssignment query leaves it unchecked."""
    if field not in records.profile_fields:
        return not_run(name, f"the org's Profile object has no {field} field (describe), so it could not be read.")
    if records.permission_sets is not None:
        return rule(user, records.permission_sets)
    if (user.get("Profile") or {}).get(field):
        return rule(user, [])
    return not_run(name, records.permission_sets_error + ".")


def _user_checks(report: CredentialsReport, records) -> None:
    """The checks on the User record; a failed query leaves unchecked only the checks that need its answer."""
    if records.user is None:
        report.add_not_run(USER_CHECKS, records.user_error + ".")
        return
    user = records.user
    report.user.update(
        id=user.get("Id") or report.user["id"], username=user.get("Username") or report.user["username"],
        profile=(user.get("Profile") or {}).get("Name"), user_type=user.get("UserType"), active=user.get("IsActive"),
    )
    report.checks.append(user_active_check(user))
    report.checks.append(standard_user_check(user))
    report.checks.append(_profile_permission_check(
        api_enabled_on_profile_check, "api_enabled_on_profile", "PermissionsApiEnabled", user, records))
    report.checks.append(_profile_permission_check(
        manage_users_on_profile_check, "manage_users_on_profile", "PermissionsManageUsers", user, records))
    on_profiles = "IsSsoEnabled" in records.profile_fields
    on_permission_sets = "PermissionsIsSsoEnabled" in records.permission_set_fields
    if records.permission_sets is not None or not on_permission_sets:
        report.checks.append(delegated_auth_off_check(user, records.permission_sets or [], on_profiles, on_permission_sets))
    elif on_profiles and (user.get("Profile") or {}).get("IsSsoEnabled"):
        report.checks.append(delegated_auth_off_check(user, [], on_profiles, on_permission_sets))   # fails on the profile
    else:
        report.checks.append(not_run("delegated_auth_off", records.permission_sets_error + "."))


def run_credentials_test(params: dict, okta_app: dict | None = None) -> CredentialsReport:
    """Log in as the API user and run every check. Read-only: one SOAP login, two describes and three SOQL SELECTs.

    The login is sent at most once, and not at all when sf_password or sf_security_token holds whitespace;
    `report.login["attempted"]` says whether it was sent.

    `params` holds the sf_* options; `okta_app` is the Okta app object to compare the org type with.
    Raises SalesforceInputError for bad options, before anything is sent.
    """
    endpoint = login_endpoint(params.get("sf_domain"), params.get("sf_login_url"), params.get("sf_api_version"))
    verify = tls_verify_setting(params.get("sf_validate_certs", True), params.get("sf_ca_path"))
    timeout = float(params.get("sf_timeout") or 30)
    username = params["sf_username"]
    password = params["sf_password"] or ""
    token = params.get("sf_security_token") or ""
    appended = token_appended_problem(password, token)
    if appended:
        raise SalesforceInputError(f"{appended}. No login was attempted.")
    with_app = okta_app is not None

    report = CredentialsReport()
    report.login.update(login_host=endpoint.host, api_version=endpoint.api_version)
    report.user["username"] = username
    if endpoint.soap_login_retired:
        report.warnings.append(
            f"sf_api_version {endpoint.api_version} is above 64.0: Salesforce's SOAP login() does not exist from "
            "API 65.0, so the login is expected to fail. Use 64.0 or lower."
        )

    whitespace = secrets_whitespace_check(password, token)
    report.checks.append(whitespace)
    if whitespace.status == FAIL:
        report.add_not_run(_names_after("secrets_whitespace", with_app), "sf_password or sf_security_token holds whitespace, so no login was attempted.")
        return report

    with build_session(timeout, verify) as session, insecure_request_warnings_silenced():
        # The run's one Salesforce login: whatever it answers, it is not sent again (see _salesforce).
        report.login["attempted"] = True
        try:
            answer = soap_login(session, endpoint, username, password, token, timeout)
        except SalesforceLoginError as error:
            if error.kind in ("fault", "retired", "version"):
                report.login["fault"] = error.code if not error.code.isdigit() else None   # Salesforce's own code
            report.checks.append(login_failed_check(error.code, error.message, error.kind))
            report.add_not_run(_names_after("login", with_app), "the login failed (see the login check).")
            report.scrub((password, token, password + token))
            return report
        _fill_from_login(report, answer)
        report.checks.append(login_passed_check(report.user["username"] or username, report.login["server"], endpoint.api_version))
        report.checks.append(password_not_expired_check(answer.password_expired, username))
        if answer.password_expired:
            report.add_not_run(USER_CHECKS, "the password has expired, so the session may only set a new password.")
        else:
            records = read_fitness_records(session, answer, endpoint.api_version, timeout)
            _user_checks(report, records)
            if records.organization is not None:
                org = records.organization
                report.org.update(
                    id=org.get("Id") or report.org["id"], name=org.get("Name") or report.org["name"],
                    is_sandbox=org.get("IsSandbox"), organization_type=org.get("OrganizationType"),
                    instance=org.get("InstanceName"),
                )
    if with_app:
        report.checks.append(org_type_matches_app_check(report.org["is_sandbox"], okta_app))
    report.scrub((password, token, password + token))
    return report
