"""A small, strict SCIM 2.0 Users endpoint (RFC 7643/7644), one bearer token per organisation.

Written here rather than taken from django-scim2-server 1.1 (which supports Django 6.1): that package
authorises with one global callable and keeps user names unique across all tenants, its adapters get
no request (so nothing can be scoped to the token's organisation), its PATCH ignores unknown paths and
writes a ``username`` field this User model does not have, and it does not handle the enterprise
extension's ``manager``. What is here: Users only (no Groups), ``userName eq`` filtering (what Okta and
Entra ID send), PUT, PATCH (add/replace/remove) and DELETE (deactivation, never deletion).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transition.identity import services
from transition.identity.models import DirectoryEntry, Organisation, ProvisioningEvent

CONTENT_TYPE = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
FILTER = re.compile(r'^\s*userName\s+eq\s+"([^"]{1,254})"\s*$', re.IGNORECASE)
MAX_BODY = 64 * 1024


class ScimProblem(Exception):
    def __init__(self, status: int, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


# What the directory sends; attributes Transition does not keep (title, addresses, …) are ignored.
class _Name(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    formatted: str | None = None
    given_name: str | None = Field(None, alias="givenName")
    family_name: str | None = Field(None, alias="familyName")


class _Email(BaseModel):
    model_config = ConfigDict(extra="ignore")
    value: str
    primary: bool | None = None
    type: str | None = None


class _Manager(BaseModel):
    model_config = ConfigDict(extra="ignore")
    value: str | None = None


class _Enterprise(BaseModel):
    model_config = ConfigDict(extra="ignore")
    manager: _Manager | None = None


class ScimUser(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, strict=False)
    schemas: list[str]
    user_name: str = Field(alias="userName", min_length=1, max_length=254)
    external_id: str | None = Field(None, alias="externalId", max_length=255)
    display_name: str | None = Field(None, alias="displayName", max_length=120)
    name: _Name | None = None
    emails: list[_Email] = Field(default_factory=list)
    active: bool = True
    enterprise: _Enterprise | None = Field(None, alias=ENTERPRISE)

    def person(self) -> services.Person:
        emails = sorted(self.emails, key=lambda e: not e.primary)
        email = emails[0].value if emails else (self.user_name if "@" in self.user_name else "")
        given = " ".join(filter(None, [self.name.given_name, self.name.family_name])) if self.name else ""
        full = self.display_name or (self.name.formatted if self.name else None) or given
        return services.Person(
            user_name=self.user_name,
            email=email,
            name=(full or "")[:120],
            external_id=self.external_id or "",
            active=self.active,
        )


def _error(status: int, detail: str, scim_type: str = "") -> JsonResponse:
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def _organisation(request: HttpRequest) -> Organisation:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    organisation = services.scim_token_check(token.strip()) if scheme.lower() == "bearer" else None
    if organisation is None:
        raise ScimProblem(401, "A valid bearer token is required.")
    return organisation


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise ScimProblem(413, "The request is too large.")
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ScimProblem(400, "The body is not valid JSON.", "invalidSyntax") from None
    if not isinstance(data, dict):
        raise ScimProblem(400, "The body must be a JSON object.", "invalidSyntax")
    return data


def _parse_user(data: dict[str, Any]) -> ScimUser:
    try:
        user = ScimUser.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScimProblem(400, f"{where}: {first['msg']}", "invalidValue") from None
    if USER not in user.schemas:
        raise ScimProblem(400, f"schemas must include {USER}.", "invalidValue")
    return user


def _location(request: HttpRequest, entry: DirectoryEntry) -> str:
    return request.build_absolute_uri(f"/scim/v2/Users/{entry.pk}")


def _resource(request: HttpRequest, entry: DirectoryEntry) -> dict[str, Any]:
    user = entry.user
    body: dict[str, Any] = {
        "schemas": [USER, ENTERPRISE],
        "id": str(entry.pk),
        "userName": entry.user_name,
        "displayName": user.name,
        "name": {"formatted": user.name},
        "emails": [{"value": user.email, "primary": True, "type": "work"}],
        "active": entry.active,
        ENTERPRISE: {"manager": {"value": str(entry.manager_id)}} if entry.manager_id else {},
        "meta": {
            "resourceType": "User",
            "created": entry.created_at.isoformat(),
            "lastModified": entry.updated_at.isoformat(),
            "location": _location(request, entry),
        },
    }
    if entry.external_id:
        body["externalId"] = entry.external_id
    return body


def _respond(request: HttpRequest, entry: DirectoryEntry, status: int = 200) -> JsonResponse:
    entry.refresh_from_db()
    response = JsonResponse(_resource(request, entry), status=status, content_type=CONTENT_TYPE)
    response["Location"] = _location(request, entry)
    return response


def _manager_entry(organisation: Organisation, value: Any) -> DirectoryEntry | None:
    if isinstance(value, dict):
        value = value.get("value")
    if value in (None, ""):
        return None
    if not isinstance(value, str | int) or not str(value).isdigit():
        raise ScimProblem(400, "manager.value must be the id of a user.", "invalidValue")
    manager = DirectoryEntry.objects.filter(organisation=organisation, pk=int(value)).first()
    if manager is None:
        raise ScimProblem(400, f"No user with id {value} in this organisation.", "invalidValue")
    return manager


def _entry(organisation: Organisation, pk: int) -> DirectoryEntry:
    entry = (
        DirectoryEntry.objects.select_related("user", "organisation").filter(organisation=organisation, pk=pk).first()
    )
    if entry is None:
        raise ScimProblem(404, f"No user {pk}.")
    return entry


def _refuse(organisation: Organisation, problem: Exception, subject: str = "") -> ScimProblem:
    services.event_log(
        organisation=organisation,
        kind=ProvisioningEvent.Kind.REFUSED,
        source="scim",
        subject=subject,
        detail=str(problem),
    )
    if isinstance(problem, ScimProblem):
        return problem
    conflict = "already" in str(problem)
    return ScimProblem(409 if conflict else 400, str(problem), "uniqueness" if conflict else "invalidValue")


def _apply_manager(organisation: Organisation, entry: DirectoryEntry, scim_user: ScimUser) -> None:
    if scim_user.enterprise is not None and scim_user.enterprise.manager is not None:
        manager = _manager_entry(organisation, scim_user.enterprise.manager.value)
        services.directory_set_manager(entry=entry, manager=manager, source="scim")


def _guard(view):
    """Token check, SCIM error bodies, and no CSRF or session sign-in: a directory is not a browser."""

    @csrf_exempt
    @login_not_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            organisation = _organisation(request)
            return view(request, organisation, *args, **kwargs)
        except ScimProblem as problem:
            return _error(problem.status, problem.detail, problem.scim_type)

    wrapped.__name__ = view.__name__
    return wrapped


@_guard
def users(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    if request.method == "GET":
        entries = DirectoryEntry.objects.filter(organisation=organisation).select_related("user")
        expression = request.GET.get("filter")
        if expression:
            match = FILTER.match(expression)
            if not match:
                raise ScimProblem(400, 'Only the filter userName eq "…" is supported.', "invalidFilter")
            entries = entries.filter(user_name__iexact=match.group(1))
        try:
            start = max(1, int(request.GET.get("startIndex", "1")))
            count = min(max(0, int(request.GET.get("count", "100"))), 200)
        except ValueError:
            raise ScimProblem(400, "startIndex and count must be numbers.", "invalidValue") from None
        total = entries.count()
        page = list(entries[start - 1 : start - 1 + count])
        body = {
            "schemas": [LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": [_resource(request, e) for e in page],
        }
        return JsonResponse(body, content_type=CONTENT_TYPE)
    if request.method != "POST":
        raise ScimProblem(405, "Use GET or POST.")
    scim_user = _parse_user(_body(request))
    try:
        entry = services.directory_create(organisation=organisation, person=scim_user.person(), source="scim")
        _apply_manager(organisation, entry, scim_user)
    except services.DirectoryError as problem:
        raise _refuse(organisation, problem, scim_user.user_name) from None
    return _respond(request, entry, status=201)


@_guard
def user(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    entry = _entry(organisation, pk)
    if request.method == "GET":
        return _respond(request, entry)
    if request.method == "DELETE":
        if entry.active:
            services.user_deactivate(entry=entry, source="scim")
        return HttpResponse(status=204)
    if request.method == "PUT":
        scim_user = _parse_user(_body(request))
        try:
            services.directory_update(entry=entry, person=scim_user.person(), source="scim")
            _apply_manager(organisation, entry, scim_user)
        except services.DirectoryError as problem:
            raise _refuse(organisation, problem, entry.user_name) from None
        return _respond(request, entry)
    if request.method == "PATCH":
        return _patch(request, organisation, entry)
    raise ScimProblem(405, "Use GET, PUT, PATCH or DELETE.")


def _as_bool(value: Any) -> bool:
    # Entra ID sends "True"/"False" as strings.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise ScimProblem(400, "active must be true or false.", "invalidValue")


def _patch(request: HttpRequest, organisation: Organisation, entry: DirectoryEntry) -> HttpResponse:
    data = _body(request)
    operations = data.get("Operations")
    if PATCH_OP not in data.get("schemas", []) or not isinstance(operations, list) or not operations:
        raise ScimProblem(400, f"A PatchOp ({PATCH_OP}) with a list of Operations is required.", "invalidSyntax")
    current = _resource(request, entry)
    attributes = {
        "userName": current["userName"],
        "displayName": current["displayName"],
        "emails": current["emails"],
        "externalId": current.get("externalId"),
        "active": current["active"],
    }
    manager: Any = ...  # unchanged unless an operation names it
    for operation in operations:
        if not isinstance(operation, dict) or str(operation.get("op", "")).lower() not in {"add", "replace", "remove"}:
            raise ScimProblem(400, "Each operation needs op add, replace or remove.", "invalidSyntax")
        op, path, value = operation["op"].lower(), operation.get("path"), operation.get("value")
        changes = value if path is None and isinstance(value, dict) else {path: value} if path else None
        if changes is None:
            raise ScimProblem(400, "An operation without a path needs an object value.", "noTarget")
        for key, val in changes.items():
            key = str(key)
            if key == ENTERPRISE and isinstance(val, dict):
                key, val = f"{ENTERPRISE}:manager", val.get("manager")
            if key in {f"{ENTERPRISE}:manager", "manager"}:
                manager = None if op == "remove" else val
            elif key == "active":
                attributes["active"] = _as_bool(val)
            elif key in {"userName", "displayName", "externalId"}:
                attributes[key] = None if op == "remove" else val
            elif key in {"emails", 'emails[type eq "work"].value', "emails.value"}:
                attributes["emails"] = val if isinstance(val, list) else [{"value": val, "primary": True}]
            elif key.startswith("name"):
                if isinstance(val, dict):
                    parts = [val.get("givenName"), val.get("familyName")]
                    attributes["displayName"] = val.get("formatted") or " ".join(p for p in parts if p) or None
                elif key == "name.formatted":
                    attributes["displayName"] = val
            # Other attributes (title, addresses, phone numbers, …) are not kept by Transition.
    scim_user = _parse_user({"schemas": [USER], **{k: v for k, v in attributes.items() if v is not None}})
    try:
        services.directory_update(entry=entry, person=scim_user.person(), source="scim")
        if manager is not ...:
            services.directory_set_manager(entry=entry, manager=_manager_entry(organisation, manager), source="scim")
    except services.DirectoryError as problem:
        raise _refuse(organisation, problem, entry.user_name) from None
    return _respond(request, entry)


@_guard
def service_provider_config(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": 200},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {"type": "oauthbearertoken", "name": "Bearer token", "description": "One token per organisation."}
        ],
    }
    return JsonResponse(body, content_type=CONTENT_TYPE)
