"""Reads of the catalog, shared by the pages, the exports and the API, by subdomain:

* :mod:`~catalog.selectors.common`: the published shelf and what every list reads;
* :mod:`~catalog.selectors.search`: text, facets and sort;
* :mod:`~catalog.selectors.offering`: one offering's page and claims table;
* :mod:`~catalog.selectors.compare`: offerings side by side;
* :mod:`~catalog.selectors.shortlists`, :mod:`~catalog.selectors.providers`,
  :mod:`~catalog.selectors.changes`.

Everything public starts from :func:`published_offerings`: drafts, submitted and
returned listings, revisions and retired offerings never show. Each selector runs a
fixed number of queries, whatever the number of offerings or claims. Selectors
import no services and no forms: reads that take request parameters are validated by
a form first (:mod:`catalog.forms`).
"""

from catalog.selectors.changes import FEED_COLUMNS, changes_since
from catalog.selectors.common import (
    LEVEL_ORDER,
    SLUG,
    SearchParamsError,
    offering_list_related,
    published_offerings,
    with_coverage,
)
from catalog.selectors.compare import (
    COMPARE_PICKER_PAGE_SIZE,
    MAX_COMPARE,
    MIN_COMPARE,
    CompareRow,
    Comparison,
    compare_offerings,
)
from catalog.selectors.offering import (
    CLAIMS_PAGE_SIZE,
    ClaimRows,
    FunctionCoverage,
    OfferingClaims,
    offering_claims,
    offering_documents,
    offering_get,
    offering_vehicle_names,
    release_functions,
)
from catalog.selectors.providers import provider_get, provider_list, provider_offerings
from catalog.selectors.search import (
    RANK_LIMIT,
    Facet,
    FacetValue,
    Listing,
    OfferingSearch,
    search_choices,
    search_offerings,
)
from catalog.selectors.shortlists import (
    saved_searches_for,
    shortlist_entries,
    shortlists_for,
)

__all__ = [
    "CLAIMS_PAGE_SIZE",
    "COMPARE_PICKER_PAGE_SIZE",
    "FEED_COLUMNS",
    "LEVEL_ORDER",
    "MAX_COMPARE",
    "MIN_COMPARE",
    "RANK_LIMIT",
    "SLUG",
    "ClaimRows",
    "CompareRow",
    "Comparison",
    "Facet",
    "FacetValue",
    "FunctionCoverage",
    "OfferingClaims",
    "Listing",
    "OfferingSearch",
    "SearchParamsError",
    "changes_since",
    "compare_offerings",
    "offering_claims",
    "offering_documents",
    "offering_get",
    "offering_vehicle_names",
    "offering_list_related",
    "provider_get",
    "provider_list",
    "provider_offerings",
    "published_offerings",
    "release_functions",
    "search_choices",
    "search_offerings",
    "saved_searches_for",
    "shortlist_entries",
    "shortlists_for",
    "with_coverage",
]
