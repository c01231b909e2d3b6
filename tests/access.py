"""The URL-walk harness: every URL pattern, as every role, against a table.

Each app's ``tests/<app>/routes.py`` declares ``ROUTES`` (a list of :class:`Route`)
and, when its URLs need objects, a ``build_world(world)`` that adds them to the shared
``world`` namespace. ``tests/marketplace/test_url_access.py`` walks the URLconf and
fails for any named pattern without a route entry, for any entry without a pattern,
and for any answer that differs from the table.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver

from marketplace.roles import Role

OK = 200
REDIRECT = 302
BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
LOGIN = "login"  # a redirect to the sign-in page
UNAUTHORIZED = 401

ROLES = tuple(Role)

# Namespaces whose many generated patterns are covered by a few explicit entries
# (Django's admin: its index and each app's changelists are walked in the admin tests).
SAMPLED_NAMESPACES = ("admin",)


def everyone(outcome) -> dict[Role, object]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome=OK) -> dict[Role, object]:
    return {**dict.fromkeys(ROLES, outcome), Role.VISITOR: LOGIN}


def only(*roles: Role, outcome=OK, otherwise=FORBIDDEN) -> dict[Role, object]:
    """Listed roles get ``outcome``; other signed-in roles ``otherwise``."""
    table = {role: (outcome if role in roles else otherwise) for role in ROLES}
    table[Role.VISITOR] = outcome if Role.VISITOR in roles else LOGIN
    return table


@dataclass
class Route:
    name: str
    expect: dict
    kwargs: Callable[[SimpleNamespace], dict] | None = None
    method: str = "get"
    data: dict = field(default_factory=dict)
    query: str = ""


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every named pattern in the URLconf as ``namespace:name``; unnamed ones as
    ``<unnamed …>`` so that they fail the walk too."""
    resolver = resolver or get_resolver()
    names: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            full = (
                f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            )
            names.extend(url_names(entry, full))
        elif isinstance(entry, URLPattern):
            if "format" in entry.pattern.regex.groupindex:
                continue  # DRF's format-suffix twin of a pattern already listed
            if entry.name is None:
                unnamed = f"<unnamed {entry.pattern}>"
                names.append(f"{namespace}:{unnamed}" if namespace else unnamed)
            else:
                names.append(f"{namespace}:{entry.name}" if namespace else entry.name)
    return sorted(set(names))


def unlisted_names(routes: list[Route], names: list[str]) -> list[str]:
    listed = {route.name for route in routes}
    return [
        name
        for name in names
        if name not in listed and not name.startswith(SAMPLED_NAMESPACES)
    ]
