"""Writes of the brokering app, by subdomain:

* :mod:`~brokering.services.needs`: needs and their items;
* :mod:`~brokering.services.vectors`: the needs' item vectors;
* :mod:`~brokering.services.runs`: scoring runs (recorded, sent, started, finished);
* :mod:`~brokering.services.matches`: the scorer's results kept, a run's work, and
  decisions on matches.

Every function is keyword-only and atomic, and is the only place the status it names
changes. The names below are the app's write interface; each lives in one module.
"""

from brokering.services.matches import (
    ACTED_ON,
    AGENCY_DECISIONS,
    match_decide,
    matches_kept,
    matches_refresh_for_need,
    matches_refresh_for_needs,
    matches_refresh_for_offering,
    scoring_run_execute,
)
from brokering.services.needs import (
    TransitionError,
    need_activate,
    need_archive,
    need_clone,
    need_create,
    need_priorities_import,
    need_set_functions,
    need_set_priorities,
    need_update,
)
from brokering.services.runs import (
    MAX_ATTEMPTS,
    RESEND_QUEUED_AFTER,
    SCORING_BATCH_SIZE,
    scoring_run_enqueue,
    scoring_run_fail,
    scoring_run_finish,
    scoring_run_start,
    scoring_runs_enqueue_for_active_needs,
    scoring_runs_enqueue_for_needs,
    scoring_runs_enqueue_for_offerings,
    scoring_runs_resend_stale,
    stale_after,
)
from brokering.services.vectors import (
    UPSERT_BATCH,
    need_vectors_refresh,
    need_vectors_store,
)

__all__ = [
    "ACTED_ON",
    "AGENCY_DECISIONS",
    "MAX_ATTEMPTS",
    "RESEND_QUEUED_AFTER",
    "SCORING_BATCH_SIZE",
    "UPSERT_BATCH",
    "TransitionError",
    "match_decide",
    "matches_kept",
    "matches_refresh_for_need",
    "matches_refresh_for_needs",
    "matches_refresh_for_offering",
    "need_activate",
    "need_archive",
    "need_clone",
    "need_create",
    "need_priorities_import",
    "need_set_functions",
    "need_set_priorities",
    "need_update",
    "need_vectors_refresh",
    "need_vectors_store",
    "scoring_run_enqueue",
    "scoring_run_execute",
    "scoring_run_fail",
    "scoring_run_finish",
    "scoring_run_start",
    "scoring_runs_enqueue_for_active_needs",
    "scoring_runs_enqueue_for_needs",
    "scoring_runs_enqueue_for_offerings",
    "scoring_runs_resend_stale",
    "stale_after",
]
