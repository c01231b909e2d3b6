"""The catalog search page's longest parts rendered by Jinja2 (``templates/jinja2/
catalog/``, autoescaped): the facets' checkboxes (a hundred and more: every
function, Treasury system, vehicle and fixed choice with a count) and the page's
results. Through Django's engine they were about half of a cold search's render
(docs/performance.md); the page around them stays a Django template."""

from collections.abc import Iterable

from django.template.defaultfilters import date, floatformat
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from catalog.selectors import Facet
from catalog.selectors.listing import ListedOffering
from marketplace.table_rows import table_rows


def facet_fieldsets(facets: list[Facet]) -> SafeString:
    """One fieldset of checkboxes per facet: its values with a count or ticked."""
    return table_rows("catalog/_facets.html", facets)


def result_items(offerings: Iterable[ListedOffering]) -> SafeString:
    """The results' list items, each value printed as Django's filters print it
    (``floatformat:0``, ``date``)."""
    rows = []
    for offering in offerings:
        rows.append(
            {
                **vars(offering),
                "url": reverse(
                    "catalog:offering-detail", kwargs={"slug": offering.slug}
                ),
                "percent": floatformat(offering.coverage, 0),
                "updated": date(localtime(offering.updated_at)),
            }
        )
    return table_rows("catalog/_results.html", rows)
