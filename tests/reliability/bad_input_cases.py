"""Realistic mistakes, one `Case` each: what an admin gets wrong, and the words the failure must say.

The words name what is wrong and what to do (the option to fix, the value to give). No case may
write anything. The batches run in few ansible-playbook processes (see test_bad_input.py).
"""
from __future__ import annotations

from tests.integration.test_provisioning_helpers import API_USER, SALESFORCE_APP, credentials
from tests.reliability.cases import Case

PROVISIONING = "okta_sf_provisioning"
ASSIGNMENT = "okta_app_assignment"
CREDENTIALS = "okta_sf_credentials_test"

SECRETS = {"sf_username": API_USER, "sf_password": "{{ sf_password }}", "sf_security_token": "{{ sf_security_token }}"}
ENABLE = dict(SECRETS, app_id=SALESFORCE_APP)
ASSIGN = {"app_id": SALESFORCE_APP, "users": [{"login": "user0001@acme.com"}]}
SF_LOGIN = dict(SECRETS, sf_login_url="{{ sim_url }}", sf_ca_path="{{ sim_ca }}")
# A canary that is not the password: a wrong secret must not be shown either.
WRONG_PASSWORD = "Canary-wrong-sf-password-51e0"
OAUTH = {"api_token": "{{ omit }}", "client_id": "{{ oauth_client_id }}", "private_key": "{{ oauth_private_key }}"}


def _enable(**options):
    return dict(ENABLE, **options)


def okta_connection_cases():
    """Connection and auth options, and app selection, across the three modules."""
    return [
        Case("org url without scheme", PROVISIONING, _enable(org_url="acme.okta.com"), ("org_url", "https://")),
        Case("org url over plain http", ASSIGNMENT, dict(ASSIGN, org_url="http://acme.okta.com"), ("plain http", "use https")),
        Case("org url with the admin path", PROVISIONING, _enable(org_url="https://acme-admin.okta.com/admin/dashboard"),
             ("org_url", "path", "https://acme.okta.com")),
        Case("org url of the admin console", ASSIGNMENT, dict(ASSIGN, org_url="https://acme-admin.okta.com"),
             ("Admin Console", "Use org_url https://acme.okta.com")),
        Case("org url of the admin console, preview", PROVISIONING, _enable(org_url="https://acme-admin.oktapreview.com/"),
             ("Admin Console", "Use org_url https://acme.oktapreview.com")),
        Case("org url with a user name", CREDENTIALS, dict(SF_LOGIN, app_id=SALESFORCE_APP, org_url="https://admin@acme.okta.com"),
             ("org_url", "user name")),
        Case("token and oauth both set", PROVISIONING, _enable(client_id="0oaserviceapp0001", private_key="{{ oauth_private_key }}"),
             ("api_token", "client_id")),
        Case("token and oauth both set, assignment", ASSIGNMENT,
             dict(ASSIGN, client_id="0oaserviceapp0001", private_key="{{ oauth_private_key }}"), ("api_token", "client_id")),
        Case("empty api token", ASSIGNMENT, dict(ASSIGN, api_token=""), ("No Okta credentials", "api_token", "client_id")),
        Case("client id without a key", PROVISIONING, _enable(api_token="{{ omit }}", client_id="0oaserviceapp0001"),
             ("client_id", "private_key")),
        Case("private key without client id", ASSIGNMENT, dict(ASSIGN, api_token="{{ omit }}", private_key="{{ oauth_private_key }}"),
             ("client_id",)),
        Case("key file missing", ASSIGNMENT, dict(ASSIGN, api_token="{{ omit }}", client_id="0oaserviceapp0001",
                                                  private_key_file="{{ inputs }}/no-such-key.pem"),
             ("Cannot read private_key_file", "no-such-key.pem")),
        Case("key file is a public key", PROVISIONING, _enable(api_token="{{ omit }}", client_id="0oaserviceapp0001",
                                                               private_key_file="{{ inputs }}/public.pem"),
             ("not a usable private key", "private_key_file")),
        Case("private key is not a key", ASSIGNMENT, dict(ASSIGN, api_token="{{ omit }}", client_id="0oaserviceapp0001",
                                                          private_key="not a key at all, a password pasted by mistake"),
             ("not a usable private key", "PEM")),
        Case("api token with a trailing newline", PROVISIONING, _enable(api_token="{{ api_token_with_newline }}"),
             ("api_token", "whitespace")),
        Case("ca path missing", ASSIGNMENT, dict(ASSIGN, ca_path="/etc/ssl/okta-ca.pem"), ("Cannot read ca_path", "okta-ca.pem")),
        Case("timeout not a number", ASSIGNMENT, dict(ASSIGN, timeout="thirty seconds"), ("timeout", "int")),
        Case("validate certs not a boolean", PROVISIONING, _enable(validate_certs="maybe"), ("validate_certs", "bool")),
        Case("unknown app label", PROVISIONING, dict(SECRETS, app_label="Salesforce Prod"),
             ("No 'salesforce' app labelled 'Salesforce Prod'", "'Salesforce.com' (id 0oasalesforce0001", "app_id")),
        Case("app label in the wrong case", ASSIGNMENT, {"app_label": "salesforce.com", "users": [{"login": "user0001@acme.com"}]},
             ("labelled 'salesforce.com'", "Salesforce.com", "match exactly")),
        Case("ambiguous app label", PROVISIONING, dict(SECRETS, app_label="Salesforce Sandbox"),
             ("2 'salesforce' apps are labelled 'Salesforce Sandbox'", "0oasalesforce0002", "0oasalesforce0003", "app_id")),
        Case("unknown app id", ASSIGNMENT, dict(ASSIGN, app_id="0oa1nosuchapp00001"), ("0oa1nosuchapp00001", "404", "app_id")),
        Case("app id of another kind of app", PROVISIONING, _enable(app_id="0oabookmark00001"), ("bookmark", "not 'salesforce'")),
        Case("both app id and label", ASSIGNMENT, dict(ASSIGN, app_label="Salesforce.com"), ("mutually exclusive", "app_id", "app_label")),
        Case("neither app id nor label", ASSIGNMENT, {"users": [{"login": "user0001@acme.com"}]}, ("app_id", "app_label")),
        Case("unknown app id, credentials test", CREDENTIALS, dict(SF_LOGIN, app_id="0oa1nosuchapp00001"), ("0oa1nosuchapp00001", "app_id")),
    ]


def okta_answer_cases():
    """What Okta answers 401, 403 or 404 to: wrong credentials, a token without the scopes needed."""
    return [
        Case("wrong api token", PROVISIONING, _enable(api_token="00canary-wrong-token-not-issued-2b91"),
             ("E0000011", "401", "api_token")),
        Case("wrong api token, assignment", ASSIGNMENT, dict(ASSIGN, api_token="00canary-wrong-token-not-issued-2b91"),
             ("E0000011", "401", "api_token")),
        Case("oauth client unknown", ASSIGNMENT, dict(ASSIGN, **dict(OAUTH, client_id="0oanosuchservice01")),
             ("401", "client_id")),
        Case("oauth key not the registered one", PROVISIONING, _enable(**{**OAUTH, "private_key": "{{ omit }}", "private_key_file": "{{ inputs }}/other.pem"}),
             ("401", "private_key", "client_id")),
        Case("oauth token without the users scope", ASSIGNMENT, dict(ASSIGN, **dict(OAUTH, scopes=["okta.apps.read", "okta.apps.manage"])),
             ("403", "E0000006", "okta.users.read")),
        Case("oauth token without the manage scope", PROVISIONING,
             _enable(**dict(OAUTH, scopes=["okta.apps.read"]), to_app={"create_users": True}),
             ("not sent", "okta.apps.manage", "Add okta.apps.manage to scopes")),
        Case("oauth token without the schemas scope", ASSIGNMENT,
             dict(ASSIGN, users=[{"login": "user0001@acme.com", "profile": {"role": "Sales"}}],
                  **dict(OAUTH, scopes=["okta.apps.read", "okta.apps.manage", "okta.users.read"])), ("403", "okta.schemas.read")),
    ]


def provisioning_cases():
    """okta_sf_provisioning options that Okta would refuse or misread."""
    schedule = {"full": "0 2 * * 0", "timezone": "Europe/Paris"}
    return [
        Case("password with a trailing space", PROVISIONING, _enable(sf_password="{{ sf_password }} "),
             ("sf_password", "whitespace", "remove it")),
        Case("security token with a leading tab", PROVISIONING, _enable(sf_security_token="\t{{ sf_security_token }}"),
             ("sf_security_token", "whitespace", "remove it")),
        Case("username with a space", PROVISIONING, _enable(sf_username="okta.api @acme.com"), ("sf_username", "whitespace")),
        Case("password without username", PROVISIONING, {"app_id": SALESFORCE_APP, "sf_password": "{{ sf_password }}"},
             ("sf_username", "sf_password")),
        Case("enable without credentials", PROVISIONING, {"app_id": SALESFORCE_APP},
             ("not enabled", "sf_username, sf_password and sf_security_token")),
        Case("rotation without the password", PROVISIONING, {"app_id": SALESFORCE_APP, "update_credentials": "always"},
             ("update_credentials=always", "sf_password")),
        Case("cron with four fields", PROVISIONING, _enable(to_okta={"schedule": dict(schedule, full="0 2 * *")}),
             ("to_okta.schedule.full", "0 2 * *", "5")),
        Case("cron minute out of range", PROVISIONING, _enable(to_okta={"schedule": dict(schedule, incremental="61 * * * *")}),
             ("to_okta.schedule.incremental", "61")),
        Case("time zone misspelt", PROVISIONING, _enable(to_okta={"schedule": dict(schedule, timezone="Europe/Pariss")}),
             ("Europe/Pariss", "IANA")),
        Case("time zone as an offset", PROVISIONING, _enable(to_okta={"schedule": dict(schedule, timezone="+02:00")}),
             ("+02:00", "IANA")),
        Case("custom username without expression", PROVISIONING, _enable(to_okta={"username_format": "custom"}),
             ("username_expression",)),
        Case("to app option not a boolean", PROVISIONING, _enable(to_app={"create_users": "sometimes"}), ("create_users", "bool")),
        Case("unknown to app option", PROVISIONING, _enable(to_app={"create_user": True}), ("create_user", "Supported parameters")),
        Case("instance type abbreviated", PROVISIONING, _enable(instance_type="prod"), ("instance_type", "production, sandbox")),
        Case("disabled with a hand-made connection", PROVISIONING, {"app_id": SALESFORCE_APP, "state": "disabled", "manage_connection": False},
             ("manage_connection", "Admin Console")),
        Case("create app without label", PROVISIONING, _enable(create_app=True), ("app_label", "create_app")),
        # Okta's OAuth version (issue 13); the default seed's app uses the password + token version.
        Case("oauth version name misspelt", PROVISIONING, _enable(sf_auth="oauth2"), ("sf_auth", "password_token, oauth")),
        Case("consumer secret with a trailing newline", PROVISIONING,
             {"app_id": SALESFORCE_APP, "sf_auth": "oauth", "sf_consumer_key": "3MVG9simKey",
              "sf_consumer_secret": "{{ sf_password }}\n"}, ("sf_consumer_secret", "whitespace", "remove it")),
        Case("consumer secret without its key", PROVISIONING,
             {"app_id": SALESFORCE_APP, "sf_auth": "oauth", "sf_consumer_secret": "{{ sf_password }}"},
             ("sf_consumer_secret goes with sf_consumer_key",)),
        Case("oauth asked on a password + token app", PROVISIONING,
             {"app_id": SALESFORCE_APP, "sf_auth": "oauth", "sf_consumer_key": "3MVG9simKey", "sf_consumer_secret": "{{ sf_password }}"},
             ("uses Okta's password_token Salesforce integration", "sf_auth=password_token", "switch_version=true")),
    ]


def assignment_cases():
    """okta_app_assignment lists with mistakes in them."""
    def assign(**options):
        return dict({"app_id": SALESFORCE_APP}, **options)
    return [
        Case("unknown user login", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com"}, {"login": "jdoe@acme.com"}]),
             ("jdoe@acme.com", "not found", "Nothing was changed")),
        Case("unknown user id", ASSIGNMENT, assign(users=[{"id": "00u1nosuchuser0001"}]), ("00u1nosuchuser0001", "not found")),
        Case("unknown group", ASSIGNMENT, assign(groups=[{"name": "Sales EMEA"}]), ("Sales EMEA", "not found")),
        Case("deactivated user", ASSIGNMENT, assign(users=[{"login": "former.employee@acme.com"}]),
             ("former.employee@acme.com", "DEPROVISIONED", "reactivate")),
        Case("unknown profile attribute", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com", "profile": {"rolle": "Sales"}}]),
             ("'rolle'", "Known attributes", "role")),
        Case("unknown group profile attribute", ASSIGNMENT, assign(groups=[{"name": "Sales", "profile": {"salesforceGroup": ["Sales"]}}]),
             ("'salesforceGroup'", "salesforceGroups")),
        Case("user listed twice", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com"}, {"login": "USER0001@acme.com"}]),
             ("more than once", "USER0001@acme.com")),
        Case("user without login or id", ASSIGNMENT, assign(users=[{"username": "jdoe@acme.com.sf"}]), ("login", "id")),
        Case("users as a string", ASSIGNMENT, assign(users="user0001@acme.com"), ("users", "dict")),
        Case("exclusive with an empty user list", ASSIGNMENT, assign(users=[], exclusive=True),
             ("exclusive=true with an empty users list", "every user assignment", "state=absent")),
        Case("exclusive with an empty group list", ASSIGNMENT, assign(groups=[], users=[{"login": "user0001@acme.com"}], exclusive=True),
             ("exclusive=true with an empty groups list", "omit the option")),
        Case("exclusive with state absent", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com"}], exclusive=True, state="absent"),
             ("exclusive", "state=present")),
        Case("user entry with a misspelt key", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com"}, {"logon": "user0002@acme.com"}]),
             ("users[1]", "unknown key 'logon'", "did you mean 'login'", "needs login or id")),
        Case("user entry with a misspelt optional key", ASSIGNMENT,
             assign(users=[{"login": "user0001@acme.com", "usernme": "user0001@acme.com.sf"}]),
             ("users[0]", "unknown key 'usernme'", "did you mean 'username'")),
        Case("group entry with a misspelt key", ASSIGNMENT, assign(groups=[{"name": "Sales"}, {"nmae": "Support", "priority": 1}]),
             ("groups[1]", "unknown key 'nmae'", "did you mean 'name'", "each groups entry takes id, name, priority, profile")),
        Case("group entry with name and id", ASSIGNMENT, assign(groups=[{"name": "Sales", "id": "00g1nosuchgroup001"}]),
             ("groups[0]", "name and id", "keep one")),
        Case("max workers zero", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com"}], max_workers=0), ("max_workers", "between 1")),
        Case("priority not a number", ASSIGNMENT, assign(groups=[{"name": "Sales", "priority": "first"}]), ("priority", "int")),
        Case("negative group priority", ASSIGNMENT, assign(groups=[{"name": "Sales", "priority": -1}]),
             ("groups[0].priority must be 0 or more", "not -1", "Nothing was changed")),
        Case("login with a trailing newline", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com\n"}]),
             ("users[0].login 'user0001@acme.com' has whitespace around it", "remove it", "Nothing was changed")),
        Case("group name with a leading space", ASSIGNMENT, assign(groups=[{"name": " Sales"}]),
             ("groups[0].name 'Sales' has whitespace around it", "remove it")),
        # Succeeds, but says that it manages nothing (a variable that was not filled, most often).
        Case("assignment without users or groups", ASSIGNMENT, assign(),
             ("Nothing is managed", "users is not set", "groups is not set", "Salesforce.com"), fails=False),
        Case("assignment with empty lists", ASSIGNMENT, assign(users=[], groups=[]),
             ("Nothing is managed", "users is an empty list", "groups is an empty list"), fails=False),
    ]


def credentials_mistake_cases():
    """The Salesforce password given with the security token already on its end, and plain http to an https
    port. Run on an org whose API integration is already enabled, where update_credentials=on_create would
    not send the secret at all: the mistake must still be named, and nothing sent anywhere."""
    appended = {"sf_password": "{{ sf_password }}{{ sf_security_token }}"}
    words = ("sf_password already ends with sf_security_token", "password alone")
    return [
        Case("password with the token appended", PROVISIONING, _enable(**appended), words + ("Nothing was sent",)),
        Case("password with the token appended, on_create", PROVISIONING, _enable(update_credentials="on_create", **appended),
             words),
        Case("password with the token appended, rotation", PROVISIONING, _enable(update_credentials="always", **appended), words),
        Case("password with the token appended, credentials test", CREDENTIALS, dict(SF_LOGIN, **appended),
             words + ("No login was attempted",)),
        Case("org url over http to the https port", ASSIGNMENT, dict(ASSIGN, org_url="{{ sim_url | replace('https://', 'http://') }}"),
             ("speaks TLS", "plain-http", "must be https://127.0.0.1:", "Use https:// in org_url")),
        Case("salesforce login url over http to the https port", CREDENTIALS,
             dict(SF_LOGIN, sf_login_url="{{ sim_url | replace('https://', 'http://') }}"),
             ("speaks TLS", "plain-http", "must be https://127.0.0.1:", "sf_login_url")),
    ]


def salesforce_cases():
    """The Salesforce API user's credentials and login options (okta_sf_credentials_test, read-only)."""
    return [
        Case("wrong salesforce password", CREDENTIALS, dict(SF_LOGIN, sf_password=WRONG_PASSWORD), ("INVALID_LOGIN", "Remedy")),
        Case("password without security token", CREDENTIALS, dict(SF_LOGIN, sf_security_token="{{ omit }}"),
             ("LOGIN_MUST_USE_SECURITY_TOKEN", "sf_security_token")),
        Case("api user with delegated authentication", CREDENTIALS,
             dict(SF_LOGIN, sf_username="okta.sso@acme.com", sf_password="{{ sso_password }}", sf_security_token="{{ sso_token }}"),
             ("Single Sign-On", "Remedy")),
        Case("api version without soap login", CREDENTIALS, dict(SF_LOGIN, sf_api_version="65.0"), ("64.0", "sf_api_version")),
        Case("api version not a number", CREDENTIALS, dict(SF_LOGIN, sf_api_version="latest"), ("sf_api_version", "64.0")),
        Case("domain as a url", CREDENTIALS, dict(SECRETS, sf_domain="https://acme.my.salesforce.com"), ("sf_domain", "acme.my")),
        Case("login url not https", CREDENTIALS, dict(SECRETS, sf_login_url="ftp://login.salesforce.com"), ("sf_login_url", "https")),
        Case("salesforce ca path missing", CREDENTIALS, dict(SF_LOGIN, sf_ca_path="/etc/ssl/sf-proxy-ca.pem"), ("sf_ca_path", "sf-proxy-ca.pem")),
        Case("salesforce password with whitespace", CREDENTIALS, dict(SF_LOGIN, sf_password="{{ sf_password }}\n"),
             ("sf_password", "whitespace")),
    ]


def timeout_cases():
    """With every Okta and Salesforce answer slower than the task's timeout."""
    return [
        Case("okta slower than timeout", PROVISIONING, _enable(timeout=1, max_retries=1), ("within 1 s", "raise timeout")),
        Case("okta slower than timeout, assignment", ASSIGNMENT, dict(ASSIGN, timeout=1, max_retries=0), ("within 1 s", "raise timeout")),
        Case("salesforce slower than timeout", CREDENTIALS, dict(SF_LOGIN, sf_timeout=1), ("within 1 s", "raise sf_timeout")),
    ]


def role_cases():
    """The enable playbook (the role), one inventory host per mistake: {host: (variables to change, words)}."""
    return {
        "unknown_user": ({"okta_sf_users": [{"login": "user0001@acme.com"}, {"login": "j.doe@acme.com"}]},
                         ("j.doe@acme.com", "not found", "Nothing was changed")),
        "unknown_group": ({"okta_sf_groups": [{"name": "Sales EMEA"}]}, ("Sales EMEA", "not found")),
        "exclusive_empty_list": ({"okta_sf_users": [], "okta_sf_assignment_exclusive": True},
                                 ("exclusive=true with an empty users list", "state=absent")),
        "misspelt_timezone": ({"okta_sf_to_okta_schedule_full": "0 2 * * 0", "okta_sf_to_okta_schedule_timezone": "Europe/Pariss"},
                              ("Europe/Pariss", "IANA")),
        "wrong_sf_password": ({"okta_sf_salesforce_password": WRONG_PASSWORD}, ("INVALID_LOGIN", "nothing was written to Okta")),
        "exclusive_not_a_boolean": ({"okta_sf_assignment_exclusive": "perhaps"}, ("okta_sf_assignment_exclusive", "bool")),
        "users_as_a_string": ({"okta_sf_users": "user0001@acme.com"}, ("okta_sf_users", "dict")),
        "org_url_over_http": ({"okta_sf_org_url": "http://acme.okta.com"}, ("plain http", "use https")),
        "org_url_of_the_admin_console": ({"okta_sf_org_url": "https://acme-admin.okta.com"},
                                         ("Admin Console", "Use org_url https://acme.okta.com")),
        "user_entry_typo": ({"okta_sf_users": [{"login": "user0001@acme.com"}, {"logon": "user0002@acme.com"}]},
                            ("users[1]", "unknown key 'logon'", "did you mean 'login'")),
        # A callable is given the simulator: the API user's password with its security token appended.
        "password_with_token_appended": ({"okta_sf_salesforce_password": lambda sim: "".join(credentials(sim).values())},
                                         ("sf_password already ends with sf_security_token",)),
    }


# ---------------------------------------------------------------- issue 12: more realistic mistakes

SSO_LOGIN = dict(SF_LOGIN, sf_username="okta.sso@acme.com", sf_password="{{ sso_password }}", sf_security_token="{{ sso_token }}")


def pasted_value_cases():
    """Values copied from somewhere with what came around them: a header, a scheme, a path, a directory."""
    return [
        Case("api token pasted with its SSWS scheme", ASSIGNMENT, dict(ASSIGN, api_token="SSWS {{ api_token }}"),
             ("api_token", "SSWS", "token alone")),
        Case("org url with the api path", PROVISIONING, _enable(org_url="https://acme.okta.com/api/v1"), ("org_url", "path", "https://acme.okta.com")),
        Case("org url with a query", ASSIGNMENT, dict(ASSIGN, org_url="https://acme.okta.com/?fromURI=/admin"), ("org_url", "https://acme.okta.com")),
        Case("ca path is a directory", ASSIGNMENT, dict(ASSIGN, ca_path="{{ inputs }}"), ("ca_path", "Cannot read")),
        Case("ca path is not a certificate", PROVISIONING, _enable(ca_path="{{ inputs }}/not-a-cert.pem"), ("ca_path", "PEM")),
        Case("key file is a directory", ASSIGNMENT, dict(ASSIGN, api_token="{{ omit }}", client_id="0oaserviceapp0001",
                                                         private_key_file="{{ inputs }}"), ("private_key_file", "Cannot read")),
        Case("salesforce login url with the soap path", CREDENTIALS, dict(SF_LOGIN, sf_login_url="{{ sim_url }}/services/Soap/u/64.0"),
             ("sf_login_url", "path")),
        Case("salesforce ca path not a certificate", CREDENTIALS, dict(SF_LOGIN, sf_ca_path="{{ inputs }}/not-a-cert.pem"),
             ("sf_ca_path", "PEM")),
        Case("unknown key id", ASSIGNMENT, dict(ASSIGN, **dict(OAUTH, key_id="no-such-kid")), ("401", "key_id")),
        Case("scope misspelt", ASSIGNMENT, dict(ASSIGN, **dict(OAUTH, scopes=["okta.apps.read", "okta.app.manage", "okta.users.read"])),
             ("okta.app.manage", "scopes")),
        Case("dpop mode misspelt", ASSIGNMENT, dict(ASSIGN, **dict(OAUTH, dpop="sometimes")), ("dpop", "auto, always, never")),
        Case("timeout zero", PROVISIONING, _enable(timeout=0), ("timeout",)),
        Case("max retries negative", ASSIGNMENT, dict(ASSIGN, max_retries=-1), ("max_retries",)),
        Case("state misspelt", PROVISIONING, _enable(state="enable"), ("state", "enabled, disabled")),
        Case("unknown salesforce user", CREDENTIALS, dict(SF_LOGIN, sf_username="no.such.user@acme.com"), ("INVALID_LOGIN", "Remedy")),
    ]


def list_mistake_cases():
    """Lists an admin gets wrong: one user twice in two spellings, a name two groups share, odd entries."""
    def assign(**options):
        return dict({"app_id": SALESFORCE_APP}, **options)
    return [
        Case("one user by login and by id", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com"}, {"id": "{{ user0001_id }}"}]),
             ("user0001@acme.com", "more than once")),
        Case("ambiguous group name", ASSIGNMENT, assign(groups=[{"name": "Marketing"}]),
             ("Marketing", "more than one group", "give the id")),
        Case("user profile not a mapping", ASSIGNMENT, assign(users=[{"login": "user0001@acme.com", "profile": "Sales"}]),
             ("profile", "users", "dict")),
        Case("unknown group id", ASSIGNMENT, assign(groups=[{"id": "00g1nosuchgroup001"}]), ("00g1nosuchgroup001", "not found")),
    ]


def unusual_secret_cases():
    """Secrets with & < > % " ' + / and non-ASCII letters (the API user's seeded password holds them): they
    are not mistakes, and must work exactly as given (Salesforce accepts any character but whitespace in a
    password; the SOAP login XML-escapes it, Okta's API takes it in JSON)."""
    return [
        Case("password with markup characters and non-ASCII, credentials test", CREDENTIALS, SF_LOGIN, fails=False),
        Case("password with markup characters and non-ASCII, check mode", PROVISIONING, ENABLE, fails=False,
             task_extra={"check_mode": True}),
        Case("api token with markup characters", ASSIGNMENT, dict(ASSIGN, state="absent", users=[{"login": "user0099@acme.com"}]),
             fails=False),
    ]
