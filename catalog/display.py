"""The catalog search page's longest parts rendered by Jinja2 (``templates/jinja2/
catalog/``, autoescaped): the facets' checkboxes (a hundred and more: every
function, Treasury system, vehicle and fixed choice with a count) and the page's
results. Through Django's engine they were about half of a cold search's render
(docs/performance.md); the page around them stays a Django template."""

import datetime
import functools
import re
from collections.abc import Callable, Iterable

from django.template.defaultfilters import date, floatformat
from django.urls import reverse
from django.urls.converters import SlugConverter
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language

from catalog.selectors import Facet
from catalog.selectors.listing import ListedOffering
from marketplace.table_rows import table_rows


def facet_fieldsets(facets: list[Facet]) -> SafeString:
    """One fieldset of checkboxes per facet: its values with a count or ticked."""
    return table_rows("catalog/_facets.html", facets)


def result_items(offerings: Iterable[ListedOffering]) -> SafeString:
    """The results' list items, each value printed as Django's filters print it
    (``floatformat:0``, ``date``)."""
    url_of = _offering_urls()
    language = get_language()
    rows = []
    for offering in offerings:
        rows.append(
            {
                **vars(offering),
                "url": url_of(offering.slug),
                "percent": _percent(offering.coverage),
                "updated": _day(localtime(offering.updated_at).date(), language),
            }
        )
    return table_rows("catalog/_results.html", rows)


_SLUG = re.compile(SlugConverter.regex)


def _offering_urls() -> Callable[[str], str]:
    """An offering page's URL by slug, as ``reverse`` writes it: reversed once
    (a slug is written as it is), then put in place (``reverse`` was a tenth of
    a cold search page's rendering)."""
    sample = "_"
    head, tail = reverse("catalog:offering-detail", kwargs={"slug": sample}).rsplit(
        sample, 1
    )

    def url(slug: str) -> str:
        if _SLUG.fullmatch(slug):
            return head + slug + tail
        return reverse("catalog:offering-detail", kwargs={"slug": slug})

    return url


# The same few values on every page: printed once each (the filters' Decimal and
# format work was a tenth of a cold search page's rendering).
@functools.lru_cache(maxsize=4096)
def _percent(coverage: float) -> str:
    return floatformat(coverage, 0)


@functools.lru_cache(maxsize=4096)
def _day(day: datetime.date, language: str | None) -> str:
    """``day`` as the ``date`` filter prints it in ``language`` (its date format
    names no time of day)."""
    return date(day)
