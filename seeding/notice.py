"""The "demonstration data" notice on every page of a portal holding demo data.

``seed_demo`` records a :class:`seeding.models.DemoData` row; :func:`context` (a
template context processor) tells every template whether one exists. The answer is
kept in the cache for a minute, so that pages do not pay a query each.
"""

from django.core.cache import cache

from seeding.models import DemoData

CACHE_KEY = "seeding:demo-data"
CACHE_SECONDS = 60


def loaded() -> bool:
    value = cache.get(CACHE_KEY)
    if value is None:
        value = DemoData.objects.exists()
        cache.set(CACHE_KEY, value, CACHE_SECONDS)
    return value


def record() -> None:
    """Mark this database as holding demonstration data."""
    DemoData.objects.update_or_create(pk=1)
    cache.set(CACHE_KEY, True, CACHE_SECONDS)


def forget() -> None:
    """Drop the marker (the demo data was removed)."""
    DemoData.objects.all().delete()
    cache.set(CACHE_KEY, False, CACHE_SECONDS)


def context(request) -> dict:
    return {"demo_data": loaded()}
