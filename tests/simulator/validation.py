"""Check request bodies against the official Okta SDK's models (`okta` on PyPI, a test-only dependency).

Okta refuses bodies it cannot map: an unknown property is "not well-formed" (E0000003), a wrong
type or a missing required property fails validation (E0000001). Read-only properties that a
client echoes back from a GET (id, _links, features, ...) are accepted and ignored, as Okta does.
The modelled Salesforce connection adds `profile.username` and `profile.allowPushNullValues` to the
public token request. Without the `okta` package bodies are not model-checked (the handlers'
own checks still apply).
"""
from __future__ import annotations

import functools
import typing

from .wire import OktaFailure

try:
    import pydantic
    from okta import models as sdk
    HAS_SDK = True
except ImportError:  # pragma: no cover - the simulator still runs, with the handlers' own checks only
    HAS_SDK = False

FREE_FORM = {"_links", "_embedded"}
SIGN_ON_CLASSES = {
    "BOOKMARK": "BookmarkApplication", "SAML_2_0": "SamlApplication", "AUTO_LOGIN": "AutoLoginApplication",
    "BASIC_AUTH": "BasicAuthApplication", "BROWSER_PLUGIN": "BrowserPluginApplication",
    "OPENID_CONNECT": "OpenIdConnectApplication", "SAML_1_1": "Saml11Application",
    "SECURE_PASSWORD_STORE": "SecurePasswordStoreApplication", "WS_FEDERATION": "WsFederationApplication",
}
MODELLED_CONNECTION_KEYS = {"username", "allowPushNullValues"}
# The OAuth version of the Salesforce connection (modelled): the public OAUTH2 request plus the consumer secret.
MODELLED_OAUTH_CONNECTION_KEYS = {"clientSecret"}


def _nested_models(annotation) -> list:
    """BaseModel classes inside an annotation (Optional[...], List[...], Annotated[...])."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found += _nested_models(arg)
    return found


def _is_free_dict(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (dict, typing.Dict):
        return True
    return any(_is_free_dict(a) for a in typing.get_args(annotation))


def _expand(classes) -> list:
    """oneOf/anyOf wrapper models stand for their member models."""
    out = []
    for cls in classes:
        wrapped = [info.annotation for name, info in cls.model_fields.items() if name.startswith(("oneof_", "anyof_"))]
        if wrapped:
            out += _expand([m for a in wrapped for m in _nested_models(a)])
        else:
            out.append(cls)
    return out


def _fields(classes) -> dict:
    """JSON name -> annotation, over several classes."""
    names = {}
    for cls in _expand(classes):
        for name, info in cls.model_fields.items():
            if name == "additional_properties" or name.startswith(("oneof_", "anyof_", "actual_instance")):
                continue
            names.setdefault(info.alias or name, info.annotation)
    return names


@functools.lru_cache(maxsize=None)
def _shape(classes: tuple) -> tuple[bool, dict]:
    """(accepts any key, JSON name -> (nested model classes, free-form dict)) for a set of models."""
    expanded = _expand(classes)
    if any("additional_properties" in cls.model_fields for cls in expanded):
        return True, {}
    shape = {}
    for key, annotation in _fields(classes).items():
        nested = tuple(_nested_models(annotation))
        shape[key] = (nested, _is_free_dict(annotation) and not nested)
    return False, shape


def unknown_keys(body, classes, path: str = "", free_paths=frozenset()) -> list:
    """Dotted paths of the keys in `body` that none of the model classes define."""
    if not isinstance(body, dict) or not classes:
        return []
    open_ended, shape = _shape(tuple(classes))
    if open_ended:
        return []
    found = []
    for key, value in body.items():
        where = f"{path}.{key}" if path else key
        if where in free_paths or key in FREE_FORM:
            continue
        if key not in shape:
            found.append(where)
            continue
        nested, free = shape[key]
        if free or not nested:
            continue
        for item in value if isinstance(value, list) else [value]:
            found += unknown_keys(item, nested, where, free_paths)
    return found


def _parse(cls, body) -> None:
    try:
        cls.from_dict(body)
    except pydantic.ValidationError as exc:
        causes = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:10]]
        first = str(exc.errors()[0]["loc"][0]) if exc.errors() else "body"
        raise OktaFailure(400, "E0000001", f"Api validation failed: {first}", causes) from None
    except (ValueError, TypeError) as exc:
        raise OktaFailure(400, "E0000001", "Api validation failed: body", [str(exc)]) from None


def _refuse_unknown(body, classes, free_paths=frozenset()) -> None:
    unknown = unknown_keys(body, classes, free_paths=free_paths)
    if unknown:
        raise OktaFailure(400, "E0000003", "The request body was not well-formed.",
                          [f"Unrecognized field '{key}'" for key in unknown])


def _application(body: dict) -> None:
    if body.get("name") == "salesforce":
        _refuse_unknown(body, [sdk.SalesforceApplication, sdk.Application])
        _parse(sdk.SalesforceApplication, body)
        return
    cls = getattr(sdk, SIGN_ON_CLASSES.get(str(body.get("signOnMode", "")).upper(), "Application"))
    settings_model = cls.model_fields.get("settings")
    has_app_settings = settings_model is not None and any(
        "app" in _fields([m]) for m in _nested_models(settings_model.annotation))
    _refuse_unknown(body, [cls, sdk.Application], frozenset() if has_app_settings else {"settings.app"})
    _parse(cls, body)


def _salesforce_connection(body: dict) -> None:
    if isinstance(body.get("profile"), dict) and body["profile"].get("authScheme") == "OAUTH2":
        _salesforce_oauth_connection(body)
        return
    _refuse_unknown(body, [sdk.ProvisioningConnectionTokenRequest], {f"profile.{k}" for k in MODELLED_CONNECTION_KEYS})
    public = dict(body)
    if isinstance(public.get("profile"), dict):
        public["profile"] = {k: v for k, v in public["profile"].items() if k not in MODELLED_CONNECTION_KEYS}
    _parse(sdk.ProvisioningConnectionTokenRequest, public)


def _salesforce_oauth_connection(body: dict) -> None:
    modelled = {f"profile.{k}" for k in MODELLED_OAUTH_CONNECTION_KEYS}
    _refuse_unknown(body, [sdk.ProvisioningConnectionOauthRequest], modelled)
    public = dict(body, profile={k: v for k, v in body["profile"].items() if k not in MODELLED_OAUTH_CONNECTION_KEYS})
    _parse(sdk.ProvisioningConnectionOauthRequest, public)


def _app_user_update(body: dict) -> None:
    _refuse_unknown(body, [sdk.AppUserCredentialsRequestPayload, sdk.AppUserProfileRequestPayload])
    if "credentials" in body:
        _parse(sdk.AppUserCredentialsRequestPayload, {"credentials": body["credentials"]})
    if "profile" in body:
        _parse(sdk.AppUserProfileRequestPayload, {"profile": body["profile"]})


def validate(kind: str, body) -> None:
    """Raise OktaFailure when `body` is not what Okta's published models accept for `kind`."""
    if not HAS_SDK or body is None:
        return
    if not isinstance(body, dict):
        raise OktaFailure(400, "E0000003", "The request body was not well-formed.", ["The body must be a JSON object."])
    if kind == "application":
        _application(body)
    elif kind == "salesforce_connection":
        _salesforce_connection(body)
    elif kind == "app_user_update":
        _app_user_update(body)
    else:
        cls = {"app_user_assign": sdk.AppUserAssignRequest, "group_assignment": sdk.ApplicationGroupAssignment,
               "capabilities": sdk.CapabilitiesObject, "inbound_capabilities": sdk.CapabilitiesInboundProvisioningObject}[kind]
        _refuse_unknown(body, [cls])
        _parse(cls, body)
