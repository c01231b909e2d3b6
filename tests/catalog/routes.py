"""Route table of the public catalog and the shortlists (see tests/access.py)."""

from django.utils.timezone import now

from catalog.models import SavedSearch
from marketplace.roles import Role
from tests.access import LOGIN, NOT_FOUND, OK, REDIRECT, Route, everyone, signed_in
from tests.catalog.factories import OfferingFactory, ShortlistFactory


def _own_agency_only(outcome):
    """The agency persona's shortlist: everyone else signed in gets 404."""
    return {
        Role.VISITOR: LOGIN,
        Role.AGENCY: outcome,
        Role.PROVIDER: NOT_FOUND,
        Role.BROKER: NOT_FOUND,
        Role.ADMIN: NOT_FOUND,
    }


def build_world(world):
    world.offering = OfferingFactory(name="Walk Ledger", slug="walk-ledger")
    world.other_offering = OfferingFactory(name="Walk Payables", slug="walk-payables")
    agency_user = world.users[Role.AGENCY]
    world.shortlist = ShortlistFactory(owner=agency_user, offerings=[world.offering])
    world.doomed_shortlist = ShortlistFactory(owner=agency_user, name="To delete")
    world.saved_search = SavedSearch.objects.create(
        user=agency_user, name="Walked search", query="q=ledger", checked_at=now()
    )


COMPARE_QUERY = "offering=walk-ledger&offering=walk-payables"

ROUTES = [
    Route("catalog:offering-list", everyone(OK)),
    Route(
        "catalog:offering-detail",
        everyone(OK),
        kwargs=lambda w: {"slug": w.offering.slug},
    ),
    Route("catalog:coverage", everyone(OK)),
    Route(
        "catalog:coverage-csv",
        everyone(OK),
        kwargs=lambda w: {"table": "functions"},
    ),
    Route("catalog:compare", everyone(OK), query=COMPARE_QUERY),
    Route("catalog:compare-csv", everyone(OK), query=COMPARE_QUERY),
    Route("catalog:compare-xlsx", everyone(OK), query=COMPARE_QUERY),
    Route("catalog:shortlist-list", signed_in(OK)),
    Route("catalog:saved-search-list", signed_in(OK)),
    Route(
        "catalog:saved-search-delete",
        _own_agency_only(REDIRECT),
        kwargs=lambda w: {"pk": w.saved_search.pk},
        method="post",
    ),
    Route(
        "catalog:shortlist-add",
        signed_in(REDIRECT),
        method="post",
        data={"offering": "walk-ledger", "new_name": "Walked"},
    ),
    Route(
        "catalog:shortlist-detail",
        _own_agency_only(OK),
        kwargs=lambda w: {"public_id": w.shortlist.public_id},
    ),
    Route(
        "catalog:shortlist-remove",
        _own_agency_only(REDIRECT),
        kwargs=lambda w: {"public_id": w.shortlist.public_id},
        method="post",
        data={"offering": "walk-ledger"},
    ),
    Route(
        "catalog:shortlist-delete",
        _own_agency_only(REDIRECT),
        kwargs=lambda w: {"public_id": w.doomed_shortlist.public_id},
        method="post",
    ),
]
