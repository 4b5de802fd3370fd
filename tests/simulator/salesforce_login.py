"""How the simulated Salesforce org judges a username and password+security token.

Shared by the SOAP `login()` call and by Okta's (modelled) "Test API Credentials" step, so both
refuse the same credentials with the same Salesforce fault code.
"""
from __future__ import annotations

MESSAGES = {
    "INVALID_LOGIN": "Invalid username, password, security token; or user locked out.",
    "LOGIN_MUST_USE_SECURITY_TOKEN": "Invalid username, password, security token; or user locked out. "
                                     "Are you at the right login endpoint? Logging in from this address "
                                     "requires the security token appended to the password.",
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


def check_credentials(state, username: str, secret: str) -> dict:
    """The Salesforce user for valid credentials, else raises LoginFault (counting failures toward lockout)."""
    with state.lock:
        sf = state.data["salesforce"]
        org = sf["org"]
        fault = _fault_from(org.get("login_fault"))
        if fault:
            raise fault
        user = sf["users"].get(username) or next(
            (u for name, u in sf["users"].items() if name.lower() == (username or "").lower()), None)
        if user is None:
            raise LoginFault("INVALID_LOGIN")
        fault = _fault_from(user.get("login_fault"))
        if fault:
            raise fault
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
                user["locked"] = True
            raise LoginFault(code)
        if not org.get("api_enabled", True) or not has_api_permission(sf, user):
            raise LoginFault("API_DISABLED_FOR_ORG")
        user["failed_logins"] = 0
        return user
