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
    ("Needs", "brokering:need-list", frozenset({Role.BROKER, Role.ADMIN})),
    ("My listings", "provider:home", frozenset({Role.PROVIDER})),
    ("Requests", "requests:request-list", frozenset({Role.PROVIDER})),
    ("Broker admin", "admin:index", frozenset({Role.BROKER, Role.ADMIN})),
    (
        "API tokens",
        "api:tokens",
        frozenset({Role.AGENCY, Role.PROVIDER, Role.BROKER, Role.ADMIN}),
    ),
]


def navigation(request) -> dict:
    """The links the reader's role sees; only the one section the page belongs to (the
    link with the longest address that starts the page's path) is marked current."""
    role = role_of(getattr(request, "user", None))
    links: list[dict] = []
    for label, url_name, roles in NAVIGATION:
        if role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "active": False})
    path = getattr(request, "path", "")
    sections = [link for link in links if path.startswith(link["url"])]
    if sections:
        max(sections, key=lambda link: len(link["url"]))["active"] = True
    return {"user_role": role.value, "nav_links": links}
