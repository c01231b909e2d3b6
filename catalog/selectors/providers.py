"""Providers on the public shelf, and a provider user's own listings."""

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from catalog.models import (
    Offering,
    Provider,
)
from catalog.selectors.common import (
    offering_list_related,
    published_offerings,
)


def provider_list(*, kind: str = "") -> QuerySet[Provider]:
    """Providers with at least one published offering (the public shelf)."""
    providers = Provider.objects.filter(
        Exists(published_offerings().filter(provider=OuterRef("pk")))
    )
    if kind:
        providers = providers.filter(kind=kind)
    return providers.order_by("name")


def provider_get(slug: str) -> Provider | None:
    return provider_list().filter(slug=slug).first()


def provider_offerings(user) -> QuerySet[Offering]:
    """Every offering row of ``user``'s provider (drafts and revisions included);
    nothing for anyone who is not a provider user."""
    if not getattr(user, "provider_id", None):
        return Offering.objects.none()
    return (
        offering_list_related(Offering.objects.filter(provider_id=user.provider_id))
        .select_related("revision_of")
        .order_by("name", "pk")
    )
