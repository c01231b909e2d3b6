"""Celery tasks of the catalog app. They take ids or nothing; the database records
the work."""

from celery import shared_task
from django.http import QueryDict
from django.utils import timezone

from catalog.forms import offering_search
from catalog.models import SavedSearch
from catalog.reminders import evidence_reminders_send
from catalog.selectors import SearchParamsError
from catalog.services.saved_searches import saved_search_alert


@shared_task(
    name="catalog.send_evidence_reminders",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def send_evidence_reminders() -> int:
    """Remind providers of evidence expiring in 30 and 7 days (Celery beat, daily).
    Safe to repeat: each reminder is recorded once (``catalog.reminders``)."""
    return evidence_reminders_send()


# Offerings told of per saved search and check (the rest wait for the next check).
ALERTS_PER_CHECK = 20


@shared_task(
    name="catalog.check_saved_searches",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def check_saved_searches() -> int:
    """Alert users of offerings published since each saved search was last checked
    that match it (Celery beat, every 15 minutes). Each search's stored query is
    parsed by the catalog's own form again; one that no longer parses (a contract
    vehicle removed) is skipped. Safe to repeat: alerts are keyed per search and
    offering. Returns how many alerts were new."""
    new = 0
    for search in SavedSearch.objects.select_related("user").filter(
        user__is_active=True
    ):
        now = timezone.now()
        try:
            found = offering_search(QueryDict(search.query), with_facets=False)
        except SearchParamsError:
            continue
        offerings = list(
            found.queryset.filter(
                published_at__gt=search.checked_at, published_at__lte=now
            ).order_by("published_at", "pk")[:ALERTS_PER_CHECK]
        )
        last = offerings[-1].published_at if offerings else None
        checked = last if last and len(offerings) == ALERTS_PER_CHECK else now
        new += saved_search_alert(
            search=search, offerings=offerings, checked_at=checked
        )
    return new
