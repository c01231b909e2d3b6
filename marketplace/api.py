"""What every endpoint of the REST API shares: errors, pages, throttles, permissions.

* One error format: every 4xx/5xx answer is
  ``{"error": {"status": 400, "code": "invalid", "message": "...", "fields": {...}}}``
  (``fields`` maps a parameter or body field to its messages; it is empty otherwise).
* Every list is paginated (:class:`ApiPagination`); a page that is not a positive whole
  number is a 400 naming ``page``, a page past the end a 404.
* Anonymous clients and signed-in clients have their own throttle rates
  (``API_THROTTLE_ANON`` / ``API_THROTTLE_USER``).
* Permissions are the portal's roles (:mod:`marketplace.roles`), nothing else.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import register_converter
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from marketplace.roles import Role, role_of

# --- paths --------------------------------------------------------------------------


class StableIdConverter:
    """A release name or an item code in a path: like ``str`` but without NUL, which
    PostgreSQL cannot compare with (such a path is simply not found)."""

    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# ``<stable_id:...>`` in the apps' API paths (their api_urls modules import this one
# through their api modules).
register_converter(StableIdConverter, "stable_id")

NON_FIELD = "non_field_errors"


# --- errors -------------------------------------------------------------------------


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF error details (nested dicts and lists) as ``{"field.sub": [messages]}``."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for sub, messages in _flatten(value, name).items():
                fields.setdefault(sub, []).extend(messages)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                for sub, messages in _flatten(value, f"{prefix}.{index}").items():
                    fields.setdefault(sub, []).extend(messages)
            else:
                fields.setdefault(prefix or NON_FIELD, []).append(str(value))
    else:
        fields.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return fields


def _first_code(codes) -> str:
    """The first machine-readable code in DRF's (possibly nested) ``get_codes()``."""
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else "invalid"


def error_response(
    status_code: int,
    message: str,
    *,
    code: str = "error",
    fields: dict[str, list[str]] | None = None,
    headers: dict | None = None,
) -> Response:
    body = {
        "error": {
            "status": status_code,
            "code": code,
            "message": message,
            "fields": fields or {},
        }
    }
    return Response(body, status=status_code, headers=headers)


def api_exception_handler(exc, context) -> Response | None:
    """DRF's handler, then one body shape for every error.

    Services raise Django's ``ValidationError`` when a write is refused (a transition
    from the wrong state, say); that is the client's mistake, so it is a 400 too.
    """
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {NON_FIELD: list(exc.messages)}
        )
        exc = exceptions.ValidationError(detail=detail)
    # Imported here: rest_framework.views reads REST_FRAMEWORK's classes, which live in
    # this module, when it is first imported; at module level that import is circular
    # whenever DRF's settings import this module first (manage.py migrate, a worker).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        key: value
        for key, value in response.items()
        if key in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        names = ", ".join(sorted(fields))
        return error_response(
            response.status_code,
            f"The request has errors in: {names}.",
            code=_first_code(exc.get_codes()),
            fields=fields,
            headers=headers,
        )
    if isinstance(exc, exceptions.APIException):
        return error_response(
            response.status_code,
            str(exc.detail),
            code=_first_code(exc.get_codes()),
            headers=headers,
        )
    if isinstance(exc, Http404):
        return error_response(404, "Not found.", code="not_found", headers=headers)
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(
            403,
            "You do not have permission to perform this action.",
            code="permission_denied",
            headers=headers,
        )
    return response


class Conflict(exceptions.APIException):
    """The object is not in a state that allows this (a workflow refused it)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object's state does not allow this."
    default_code = "conflict"


# --- pagination ---------------------------------------------------------------------

# More digits than any page number there can be (and than int() reads without a fuss).
MAX_PAGE_DIGITS = 18


def _ascii_digits(raw: str) -> bool:
    """Only 0-9: ``"²".isdigit()`` is true too, but ``int("²")`` fails."""
    return raw.isascii() and raw.isdigit()


class ApiPagination(PageNumberPagination):
    """Page-number pagination on every list; ``page_size`` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        digits = raw.lstrip("0")
        if not (_ascii_digits(raw) and digits):
            raise exceptions.ValidationError(
                {self.page_query_param: ["A page is a whole number from 1."]}
            )
        if len(digits) > MAX_PAGE_DIGITS:
            raise exceptions.NotFound(self.invalid_page_message)
        return int(digits)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (
            _ascii_digits(raw)
            and len(raw) <= MAX_PAGE_DIGITS
            and 1 <= int(raw) <= self.max_page_size
        ):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"A page size is a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


# --- throttling ---------------------------------------------------------------------


class _RatesFromSettings:
    """Read the rate when asked, so settings changes (and tests) take effect."""

    scope: str

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_RatesFromSettings, AnonRateThrottle):
    scope = "anon"


class SignedInThrottle(_RatesFromSettings, UserRateThrottle):
    scope = "user"


# --- permissions --------------------------------------------------------------------


class PublicReadOnly(permissions.BasePermission):
    """Open to everyone, signed in or not, for reading only."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS


class _RolePermission(permissions.BasePermission):
    roles: frozenset[Role] = frozenset()
    message = "Your role may not use this endpoint."

    def has_permission(self, request, view) -> bool:
        role = role_of(request.user)
        if role == Role.VISITOR:
            if request.user and request.user.is_authenticated:
                return False
            raise exceptions.NotAuthenticated
        return role in self.roles or (role == Role.ADMIN and Role.BROKER in self.roles)


class AgencyOrBroker(_RolePermission):
    """Agency users (their own agency's data) and the QSMO's brokers."""

    roles = frozenset({Role.AGENCY, Role.BROKER})


class AgencyOnly(_RolePermission):
    """Agency users only: brokers read agencies' needs but do not write them."""

    roles = frozenset({Role.AGENCY})


class ProviderOnly(_RolePermission):
    """Provider users only: brokers review listings in the admin, not here."""

    roles = frozenset({Role.PROVIDER})


class AgencyReadsBrokerReads(permissions.BasePermission):
    """Agency users read and write; brokers read. Used on needs and runs."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return AgencyOrBroker().has_permission(request, view)
        return AgencyOnly().has_permission(request, view)


# --- query-parameter validation ------------------------------------------------------


def validated_query(serializer_class, request) -> dict:
    """Validate ``request.query_params`` with ``serializer_class``; 400 names the field.

    Unknown parameters are ignored (clients add cache busters); known ones must be good.
    """
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


ERROR_STATUSES = {
    status.HTTP_400_BAD_REQUEST: "The request has errors; ``fields`` names them.",
    status.HTTP_401_UNAUTHORIZED: "No or bad credentials.",
    status.HTTP_403_FORBIDDEN: "Your role may not do this.",
    status.HTTP_404_NOT_FOUND: "No such object (or not yours).",
    status.HTTP_405_METHOD_NOT_ALLOWED: "The method is not allowed here.",
    status.HTTP_406_NOT_ACCEPTABLE: "The requested format is not available.",
    status.HTTP_409_CONFLICT: "The object's state does not allow this.",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "Send JSON or form data.",
    status.HTTP_429_TOO_MANY_REQUESTS: "Too many requests; retry later.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: document the error shape everywhere.

    Every operation can answer any of :data:`ERROR_STATUSES`
    (authentication, throttling and validation apply to all of them) with the one error
    body, so clients and schema-driven tests know what an error looks like.
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "Error",
        {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "code", "message", "fields"],
                    "properties": {
                        "status": {"type": "integer"},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "array",
                                "items": {"type": "string"},
                            },
                        },
                    },
                }
            },
        },
    )
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_STATUSES.items():
                operation["responses"].setdefault(
                    str(code),
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
