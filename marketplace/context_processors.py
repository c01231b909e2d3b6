"""Template context shared by every page: the signed-in user's role and navigation."""

from django.urls import NoReverseMatch, reverse

from marketplace.roles import Role, role_of

# (label, url name, roles that see the link). Apps register their entries here so the
# header always fits the role of whoever is reading.
NAVIGATION: list[tuple[str, str, frozenset[Role]]] = [
    ("Catalog", "catalog:offering-list", frozenset(Role)),
    ("Standards", "standards:release-list", frozenset(Role)),
    (
        "Shortlists",
        "catalog:shortlist-list",
        frozenset({Role.AGENCY, Role.BROKER, Role.ADMIN}),
    ),
    ("Our needs", "brokering:need-list", frozenset({Role.AGENCY})),
    ("My listings", "provider:home", frozenset({Role.PROVIDER})),
    ("Broker admin", "admin:index", frozenset({Role.BROKER, Role.ADMIN})),
    (
        "API tokens",
        "api:tokens",
        frozenset({Role.AGENCY, Role.PROVIDER, Role.BROKER, Role.ADMIN}),
    ),
]


def navigation(request) -> dict:
    role = role_of(getattr(request, "user", None))
    links = []
    for label, url_name, roles in NAVIGATION:
        if role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        links.append(
            {"label": label, "url": url, "active": request.path.startswith(url)}
        )
    return {"user_role": role.value, "nav_links": links}
