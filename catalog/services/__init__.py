"""Writes to the catalog, by subdomain:

* :mod:`~catalog.services.claims`: the one writer of claims (and their verification,
  and its bulk path for loading many new offerings);
* :mod:`~catalog.services.search`: the search data rebuilt from claims, and the
  announcement of changed offerings;
* :mod:`~catalog.services.shortlists`, :mod:`~catalog.services.saved_searches`;
* :mod:`~catalog.services.guards`: the state checks every write makes.

The listing workflow (statuses, revisions) is :mod:`catalog.workflow`. Every
function is keyword-only and atomic.
"""

from catalog.services.claims import (
    ClaimInput,
    ClaimRefused,
    claims_bulk_load,
    claims_changed,
    claims_check,
    claims_copy,
    claims_save,
    claims_verify,
)
from catalog.services.guards import EDITABLE_STATUSES, WorkflowError
from catalog.services.saved_searches import (
    SearchRefused,
    saved_search_alert,
    saved_search_create,
    saved_search_delete,
)
from catalog.services.search import (
    REFRESH_BATCH,
    announce,
    offering_search_refresh,
    offerings_published,
)
from catalog.services.shortlists import (
    shortlist_add,
    shortlist_create,
    shortlist_delete,
    shortlist_remove,
    shortlist_rename,
)

__all__ = [
    "EDITABLE_STATUSES",
    "REFRESH_BATCH",
    "SearchRefused",
    "ClaimInput",
    "ClaimRefused",
    "WorkflowError",
    "announce",
    "claims_bulk_load",
    "claims_changed",
    "claims_check",
    "claims_copy",
    "claims_save",
    "claims_verify",
    "offering_search_refresh",
    "offerings_published",
    "saved_search_alert",
    "saved_search_create",
    "saved_search_delete",
    "shortlist_add",
    "shortlist_create",
    "shortlist_delete",
    "shortlist_remove",
    "shortlist_rename",
]
