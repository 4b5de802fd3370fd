"""How the simulated Salesforce org judges a username and password+security token, and its lockout.

Shared by the SOAP `login()` call and by Okta's (modelled) "Test API Credentials" step, so both
refuse the same credentials with the same Salesforce fault code, and both count toward the lockout:
Okta's save of the API integration is a Salesforce login too.

Lockout, as Salesforce's password policy does it (Setup > Password Policies): after `lockout_attempts`
failed logins in a row ("Maximum invalid login attempts": 10 by default, or 3, 5, no limit = 0; contract
section 4) the user is locked for `lockout_effective_minutes` ("Lockout effective period": "The default is
15 minutes", Salesforce's field help as quoted at sfdc316.com/2015/03/salesforce-profiles-password-policies.html;
0 = Forever, until an administrator unlocks). "When the maximum number of failed login attempts is reached, the counter
resets and the user's account is locked. If there's a successful login before the maximum number of failed
login attempts is reached, the counter resets" (Salesforce Help, "Unlock Users",
https://help.salesforce.com/s/articleView?id=platform.users_unlock.htm). A locked user gets PASSWORD_LOCKOUT
whatever the password, until unlocked (`locked: false`) or the period ends.

Every judged login is appended to `salesforce.login_history` (like Setup > Login History): tests count
logins per user and channel from it.
"""
from __future__ import annotations

import time

MAX_LOGIN_HISTORY = 10_000

# INVALID_LOGIN and LOGIN_MUST_USE_SECURITY_TOKEN are worded as Salesforce words them (the latter as quoted in
# https://poanchen.github.io/blog/2018/08/27/how-to-fix-login-must-use-security-token-in-Salesforce): note that
# INVALID_LOGIN's own text admits the user may be locked out.
MESSAGES = {
    "INVALID_LOGIN": "Invalid username, password, security token; or user locked out.",
    "LOGIN_MUST_USE_SECURITY_TOKEN": "Invalid username, password, security token; or user locked out. Are you at a "
                                     "new location? When accessing Salesforce--either via a desktop client or the "
                                     "API--from outside of your company's trusted networks, you must add a security "
                                     "token to your password to log in. To get your new security token, log in to "
                                     "Salesforce. From your personal settings, enter Reset My Security Token in the "
                                     "Quick Find box, then select Reset My Security Token.",
    "PASSWORD_LOCKOUT": "Your account has been locked out because of too many failed login attempts.",
    "API_DISABLED_FOR_ORG": "API is not enabled for this Organization or Partner",
    "API_CURRENTLY_DISABLED": "API is currently disabled for this organization.",
    "LOGIN_DURING_RESTRICTED_DOMAIN": "You can only log in from a specified domain.",
    "LOGIN_DURING_RESTRICTED_TIME": "You can't log in at this time of day.",
    "INSUFFICIENT_ACCESS": "Insufficient access rights on cross-reference id",
}


class LoginFault(Exception):
    def __init__(self, code: str, message: str | None = None):
        self.code = code
        self.message = message or MESSAGES.get(code, code)
        super().__init__(f"{self.code}: {self.message}")


def _fault_from(spec) -> LoginFault | None:
    if not spec:
        return None
    if isinstance(spec, str):
        return LoginFault(spec)
    return LoginFault(spec.get("code", "UNKNOWN_EXCEPTION"), spec.get("message"))


def has_api_permission(sf: dict, user: dict) -> bool:
    profile = sf["profiles"].get(user.get("profile"), {})
    if profile.get("PermissionsApiEnabled"):
        return True
    return any(sf["permission_sets"].get(name, {}).get("PermissionsApiEnabled") for name in user.get("permission_sets", []))


def record_login(state, username: str, channel: str, fault: str | None, user: dict | None = None) -> None:
    """Append one login to salesforce.login_history (the caller holds state.lock)."""
    history = state.data["salesforce"].setdefault("login_history", [])
    history.append({"time": time.time(), "username": user["username"] if user else username,
                    "user_id": user["id"] if user else None, "channel": channel,
                    "status": "Success" if fault is None else "Failed", "fault": fault})
    if len(history) > MAX_LOGIN_HISTORY:
        del history[: len(history) - MAX_LOGIN_HISTORY]


def _lockout_over(org: dict, user: dict, now: float) -> bool:
    minutes = float(org.get("lockout_effective_minutes") or 0)
    return minutes > 0 and user.get("locked_at") is not None and now >= user["locked_at"] + minutes * 60


def check_credentials(state, username: str, secret: str, channel: str = "okta_api_integration") -> dict:
    """The Salesforce user for valid credentials, else raises LoginFault (counting failures toward lockout).

    `channel` says who logged in, for the login history: "soap_login" (the SOAP API), or Okta's modelled
    API-integration save (the default, as okta_apps.py calls it).
    """
    with state.lock:
        try:
            user = _judge(state, username, secret)
        except LoginFault as fault:
            record_login(state, username, channel, fault.code, _find_user(state, username))
            raise
        record_login(state, username, channel, None, user)
        return user


def _find_user(state, username: str) -> dict | None:
    users = state.data["salesforce"]["users"]
    return users.get(username) or next(
        (u for name, u in users.items() if name.lower() == (username or "").lower()), None)


def _judge(state, username: str, secret: str) -> dict:
    sf = state.data["salesforce"]
    org = sf["org"]
    fault = _fault_from(org.get("login_fault"))
    if fault:
        raise fault
    user = _find_user(state, username)
    if user is None:
        raise LoginFault("INVALID_LOGIN")
    fault = _fault_from(user.get("login_fault"))
    if fault:
        raise fault
    now = time.time()
    if user.get("locked") and _lockout_over(org, user, now):
        user["locked"], user["locked_at"] = False, None
    if user.get("locked"):
        raise LoginFault("PASSWORD_LOCKOUT")
    password, token = user.get("password", ""), user.get("security_token", "")
    if secret != password + token or not user.get("is_active", True):
        if secret == password and token and org.get("require_security_token", True):
            code = "LOGIN_MUST_USE_SECURITY_TOKEN"
        else:
            code = "INVALID_LOGIN"
        user["failed_logins"] = user.get("failed_logins", 0) + 1
        if user["failed_logins"] >= int(org.get("lockout_attempts") or 0) > 0:
            # The attempt that reaches the limit still gets its own fault; the next ones get PASSWORD_LOCKOUT.
            user["locked"], user["locked_at"], user["failed_logins"] = True, now, 0
        raise LoginFault(code)
    if not org.get("api_enabled", True) or not has_api_permission(sf, user):
        raise LoginFault("API_DISABLED_FOR_ORG")
    user["failed_logins"] = 0
    return user
