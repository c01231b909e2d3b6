"""Shortlists a user may see, and their entries; the user's saved searches."""

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)

from catalog.models import (
    Offering,
    SavedSearch,
    Shortlist,
    ShortlistEntry,
)
from catalog.selectors.common import (
    offering_list_related,
    with_coverage,
)
from marketplace.roles import is_agency_user, is_signed_in


def shortlists_for(user) -> QuerySet[Shortlist]:
    """Shortlists ``user`` may see: their own and, for an agency user, those of
    colleagues in the same agency. Anyone else's answer 404."""
    if not is_signed_in(user):
        return Shortlist.objects.none()
    visible = Q(owner=user)
    if is_agency_user(user):
        visible |= Q(agency_id=user.agency_id)
    return (
        Shortlist.objects.filter(visible)
        .select_related("owner", "agency")
        .annotate(entry_count=Count("entries"))
        .order_by("name", "id")
    )


def shortlist_entries(shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    """The shortlist's published offerings with their coverage."""
    offerings = with_coverage(offering_list_related(Offering.objects.all()))
    return (
        ShortlistEntry.objects.filter(shortlist=shortlist)
        .select_related("added_by")
        .prefetch_related(Prefetch("offering", queryset=offerings))
        .order_by("added_at", "id")
    )


def saved_searches_for(user) -> QuerySet[SavedSearch]:
    """The user's own saved searches (anyone else's answer 404)."""
    return SavedSearch.objects.filter(user_id=user.pk).order_by("name", "pk")
