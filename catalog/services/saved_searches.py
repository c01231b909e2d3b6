"""Saved catalog searches and their alerts: a signed-in user saves the catalog
page's query (checked by the catalog's search form first) and is told, through
``marketplace.notifications``, of each offering published afterwards that matches
it. One alert per search and offering (the event key), however often the check runs.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from catalog.models import Offering, SavedSearch
from marketplace.notifications import notify

MAX_SAVED_SEARCHES = 50


class SearchRefused(ValueError):
    """A search that cannot be saved (the message says why)."""


@transaction.atomic
def saved_search_create(*, user, name: str, query: str) -> SavedSearch:
    """Save a validated query string under a name; saving it again renames it."""
    name = " ".join(name.split())[:120] or "Catalog search"
    existing = SavedSearch.objects.filter(user=user, query=query).first()
    if existing is not None:
        existing.name = name
        existing.save(update_fields=["name"])
        return existing
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise SearchRefused(
            f"You can keep at most {MAX_SAVED_SEARCHES} saved searches; delete one "
            "first."
        )
    return SavedSearch.objects.create(
        user=user, name=name, query=query, checked_at=timezone.now()
    )


@transaction.atomic
def saved_search_delete(*, search: SavedSearch) -> None:
    search.delete()


@transaction.atomic
def saved_search_alert(
    *, search: SavedSearch, offerings: list[Offering], checked_at: datetime.datetime
) -> int:
    """Tell the search's owner of each newly published matching offering; the
    search is checked up to ``checked_at``. Returns how many alerts were new."""
    new = 0
    for offering in offerings:
        new += notify(
            user_ids=[search.user_id],
            event_key=f"search:{search.pk}:offering:{offering.pk}",
            subject=f"New in the catalog for “{search.name}”: {offering.name}",
            body=f"{offering.name} ({offering.provider.name}) was published and "
            f"matches your saved search “{search.name}”.",
            url=offering.get_absolute_url(),
        )
    SavedSearch.objects.filter(pk=search.pk).update(checked_at=checked_at)
    return new
