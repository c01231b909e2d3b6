"""Writes of the brokering app: needs, their items, scoring runs and match decisions.

Every function is keyword-only and atomic, and is the only place the status it names
changes. Scoring work is recorded as a :class:`ScoringRun` row in the same transaction
as the change that caused it and sent to Celery after commit.
"""

import datetime
import logging
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError
from simple_history.utils import bulk_create_with_history

from brokering import engine, scoring
from brokering.models import (
    Agency,
    Match,
    MatchStatus,
    Need,
    NeedItem,
    NeedStatus,
    Priority,
    RunStatus,
    ScoringRun,
)
from standards.models import Capability

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
STALE_AFTER = datetime.timedelta(seconds=60)  # a running run without a heartbeat
RESEND_QUEUED_AFTER = datetime.timedelta(seconds=60)
UPSERT_BATCH = 4000  # rows per upsert statement (14 parameters each, under 65,535)

_MATCH_UPDATE_FIELDS = [
    "score",
    "eligible",
    "ineligible_reasons",
    "gaps",
    "gaps_count",
    "breakdown",
    "fingerprint",
    "scoring_version",
    "computed_at",
]


class TransitionError(ValueError):
    """The object is not in a state that allows the change."""


# --- needs -------------------------------------------------------------------------


@transaction.atomic
def need_create(
    *,
    agency: Agency,
    created_by,
    release_id: int,
    title: str,
    go_live_date: datetime.date,
    accepted_provider_kinds: Iterable[str] = (),
    minimum_impact_level: str = "",
    accepted_deployment_models: Iterable[str] = (),
) -> Need:
    return Need.objects.create(
        agency=agency,
        created_by=created_by,
        release_id=release_id,
        title=title,
        go_live_date=go_live_date,
        accepted_provider_kinds=sorted(accepted_provider_kinds),
        minimum_impact_level=minimum_impact_level,
        accepted_deployment_models=sorted(accepted_deployment_models),
    )


def _lock(need_id: int) -> Need:
    return Need.objects.select_for_update().get(pk=need_id)


def _rescore_if_active(need: Need, reason: str) -> None:
    if need.status == NeedStatus.ACTIVE:
        scoring_run_enqueue(need_id=need.pk, reason=reason)


def _refuse_archived(need: Need) -> None:
    if need.status == NeedStatus.ARCHIVED:
        raise TransitionError("An archived need cannot be changed; clone it instead.")


@transaction.atomic
def need_update(
    *,
    need_id: int,
    title: str,
    go_live_date: datetime.date,
    accepted_provider_kinds: Iterable[str] = (),
    minimum_impact_level: str = "",
    accepted_deployment_models: Iterable[str] = (),
) -> Need:
    need = _lock(need_id)
    _refuse_archived(need)
    need.title = title
    need.go_live_date = go_live_date
    need.accepted_provider_kinds = sorted(accepted_provider_kinds)
    need.minimum_impact_level = minimum_impact_level
    need.accepted_deployment_models = sorted(accepted_deployment_models)
    need.save()
    _rescore_if_active(need, "need changed")
    return need


@transaction.atomic
def need_set_functions(*, need_id: int, function_ids: Iterable[int]) -> Need:
    """Keep the items of the chosen functions; add their other capabilities as
    *should*; drop the items of functions no longer in scope."""
    need = _lock(need_id)
    _refuse_archived(need)
    function_ids = set(function_ids)
    # One by one, so that history records each removed item.
    for item in NeedItem.objects.filter(need=need).exclude(
        capability__function_id__in=function_ids
    ):
        item.delete()
    present = set(
        NeedItem.objects.filter(need=need).values_list("capability_id", flat=True)
    )
    capability_ids = Capability.objects.filter(
        release_id=need.release_id, function_id__in=function_ids
    ).values_list("id", flat=True)
    bulk_create_with_history(
        [
            NeedItem(need=need, capability_id=cid, priority=Priority.SHOULD)
            for cid in capability_ids
            if cid not in present
        ],
        NeedItem,
    )
    need.save(update_fields=["updated_at"])
    _rescore_if_active(need, "functions changed")
    return need


@transaction.atomic
def need_set_priorities(*, need_id: int, priorities: Mapping[int, str]) -> int:
    """Set the priority of items by capability id; returns how many changed.

    Items are saved one by one so that history records each change.
    """
    need = _lock(need_id)
    _refuse_archived(need)
    changed = 0
    for item in NeedItem.objects.filter(need=need, capability_id__in=list(priorities)):
        new = priorities[item.capability_id]
        if new not in Priority.values:
            raise ValueError(f"unknown priority {new!r}")
        if item.priority != new:
            item.priority = new
            item.save(update_fields=["priority"])
            changed += 1
    if changed:
        need.save(update_fields=["updated_at"])
        _rescore_if_active(need, "priorities changed")
    return changed


@transaction.atomic
def need_priorities_import(
    *, need_id: int, priorities: Mapping[int, str]
) -> tuple[int, int]:
    """Apply imported priorities (validated by the caller): capabilities of the
    release not yet in the need are added. Returns ``(added, changed)``."""
    need = _lock(need_id)
    _refuse_archived(need)
    valid = set(
        Capability.objects.filter(
            release_id=need.release_id, id__in=list(priorities)
        ).values_list("id", flat=True)
    )
    if valid != set(priorities):
        raise ValueError("capabilities outside the need's release")
    present = set(need.items.values_list("capability_id", flat=True))
    new_items = [
        NeedItem(need=need, capability_id=cid, priority=priority)
        for cid, priority in priorities.items()
        if cid not in present
    ]
    bulk_create_with_history(new_items, NeedItem)
    changed = need_set_priorities(
        need_id=need.pk,
        priorities={c: p for c, p in priorities.items() if c in present},
    )
    if new_items and not changed:
        need.save(update_fields=["updated_at"])
        _rescore_if_active(need, "priorities imported")
    return len(new_items), changed


@transaction.atomic
def need_activate(*, need_id: int) -> Need:
    need = _lock(need_id)
    if need.status != NeedStatus.DRAFT:
        raise TransitionError("Only a draft need can be activated.")
    if not need.items.exists():
        raise TransitionError("Add at least one capability before activating.")
    need.status = NeedStatus.ACTIVE
    need.activated_at = timezone.now()
    need.save(update_fields=["status", "activated_at", "updated_at"])
    scoring_run_enqueue(need_id=need.pk, reason="need activated")
    return need


@transaction.atomic
def need_archive(*, need_id: int) -> Need:
    need = _lock(need_id)
    if need.status == NeedStatus.ARCHIVED:
        raise TransitionError("The need is already archived.")
    need.status = NeedStatus.ARCHIVED
    need.save(update_fields=["status", "updated_at"])
    return need


@transaction.atomic
def need_clone(*, need_id: int, created_by) -> Need:
    """A draft copy of a need (constraints and priorities), for the same agency."""
    source = Need.objects.get(pk=need_id)
    copy = Need.objects.create(
        agency_id=source.agency_id,
        release_id=source.release_id,
        created_by=created_by,
        title=f"Copy of {source.title}"[:200],
        go_live_date=source.go_live_date,
        accepted_provider_kinds=source.accepted_provider_kinds,
        minimum_impact_level=source.minimum_impact_level,
        accepted_deployment_models=source.accepted_deployment_models,
    )
    bulk_create_with_history(
        [
            NeedItem(need=copy, capability_id=cid, priority=priority)
            for cid, priority in source.items.values_list("capability_id", "priority")
        ],
        NeedItem,
    )
    return copy


# --- matches -----------------------------------------------------------------------


def _match_rows(scored: Iterable[engine.Scored], now) -> list[Match]:
    return [
        Match(
            need_id=s.need_id,
            offering_id=s.result.offering,
            score=s.result.score,
            eligible=s.result.eligible,
            ineligible_reasons=list(s.result.ineligible_reasons),
            gaps=list(s.result.gaps),
            gaps_count=s.result.gaps_count,
            breakdown=[
                {
                    "function": f.function,
                    "items": f.items,
                    "weight": f.weight,
                    "earned": f.earned,
                    "gaps": f.gaps,
                }
                for f in s.result.breakdown
            ],
            fingerprint=s.fingerprint,
            scoring_version=scoring.SCORING_VERSION,
            computed_at=now,
        )
        for s in scored
    ]


def _upsert(rows: list[Match]) -> int:
    Match.objects.bulk_create(
        rows,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["need", "offering"],
        update_fields=_MATCH_UPDATE_FIELDS,
    )
    return len(rows)


@transaction.atomic
def matches_refresh_for_need(*, need_id: int) -> int:
    """Score a need against the shelf and upsert its matches (a fixed number of
    queries). Proposed matches of offerings no longer on the shelf are removed;
    decided ones stay as the decision record."""
    scored = engine.score_need_against_published(need_id)
    written = _upsert(_match_rows(scored, timezone.now()))
    Match.objects.filter(need_id=need_id, status=MatchStatus.PROPOSED).exclude(
        offering_id__in=[s.result.offering for s in scored]
    ).delete()
    return written


@transaction.atomic
def matches_refresh_for_offering(*, offering_id: int) -> int:
    """Score an offering against every active need and upsert the matches."""
    scored = engine.score_offering_against_active_needs(offering_id)
    written = _upsert(_match_rows(scored, timezone.now()))
    Match.objects.filter(offering_id=offering_id, status=MatchStatus.PROPOSED).exclude(
        need_id__in=[s.need_id for s in scored]
    ).delete()
    return written


AGENCY_DECISIONS = {MatchStatus.PROPOSED, MatchStatus.SHORTLISTED}


@transaction.atomic
def match_decide(*, match_id: int, status: str, note: str = "", decided_by) -> Match:
    """Set a match's broker status (proposed, shortlisted, recommended, rejected) and
    append the note; history records who and when."""
    if status not in MatchStatus.values:
        raise TransitionError(f"Unknown match status {status!r}.")
    match = Match.objects.select_for_update().get(pk=match_id)
    match.status = status
    note = note.strip()
    if note:
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        entry = f"[{stamp} {decided_by}] {MatchStatus(status).label}: {note}"
        match.notes = f"{match.notes}\n{entry}".strip()
    match.decided_by = decided_by
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "notes", "decided_by", "decided_at"])
    return match


# --- scoring runs ------------------------------------------------------------------


def _send(run_id: int) -> None:
    """Hand a run to Celery. A broker that is down leaves the run queued for the
    sweep; the user sees it queued, never an error."""
    from brokering.tasks import run_scoring

    try:
        run_scoring.delay(run_id)
    except OperationalError:
        logger.warning("broker unavailable; scoring run %s stays queued", run_id)
        return
    ScoringRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        sent_at=timezone.now()
    )


@transaction.atomic
def scoring_run_enqueue(
    *,
    need_id: int | None = None,
    offering_id: int | None = None,
    reason: str = "",
    resend: bool = False,
) -> ScoringRun:
    """Record scoring work and send it after commit. A queued run for the same target
    that has not started yet will read the latest data, so it is reused (and sent
    again when ``resend`` asks for it, as a person's "score again" does)."""
    if (need_id is None) == (offering_id is None):
        raise ValueError("a scoring run is for a need or for an offering")
    waiting = (
        ScoringRun.objects.select_for_update()
        .filter(need_id=need_id, offering_id=offering_id, status=RunStatus.QUEUED)
        .first()
    )
    if waiting is not None:
        if resend:
            transaction.on_commit(lambda: _send(waiting.pk))
        return waiting
    run = ScoringRun.objects.create(
        need_id=need_id, offering_id=offering_id, reason=reason[:40]
    )
    transaction.on_commit(lambda: _send(run.pk))
    return run


def scoring_runs_enqueue_for_offerings(
    *, offering_ids: Iterable[int], reason: str
) -> list[ScoringRun]:
    return [
        scoring_run_enqueue(offering_id=offering_id, reason=reason)
        for offering_id in sorted(set(offering_ids))
    ]


def scoring_runs_enqueue_for_active_needs(*, reason: str) -> list[ScoringRun]:
    need_ids = Need.objects.filter(status=NeedStatus.ACTIVE).values_list(
        "id", flat=True
    )
    return [scoring_run_enqueue(need_id=need_id, reason=reason) for need_id in need_ids]


@transaction.atomic
def scoring_run_start(*, run_id: int, take_over: bool = False) -> bool:
    """Claim a queued (or stale running) run for this worker. False when there is
    nothing to do: the run is done, failed, or being run by a live worker.

    ``take_over`` is for a task the broker delivered again because the process that
    ran it died: the run still says running, but nobody is running it. A run whose
    process died ``MAX_ATTEMPTS`` times is failed rather than tried forever."""
    run = ScoringRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status in (RunStatus.DONE, RunStatus.FAILED):
        return False
    now = timezone.now()
    if run.status == RunStatus.RUNNING and take_over:
        if run.attempts >= MAX_ATTEMPTS:
            run.status = RunStatus.FAILED
            run.error = (
                f"the worker process stopped during each of {run.attempts} attempts"
            )
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
            return False
    elif (
        run.status == RunStatus.RUNNING
        and run.heartbeat_at
        and (now - run.heartbeat_at < STALE_AFTER)
    ):
        return False
    run.status = RunStatus.RUNNING
    run.attempts += 1
    run.started_at = now
    run.heartbeat_at = now
    run.error = ""
    run.save(
        update_fields=["status", "attempts", "started_at", "heartbeat_at", "error"]
    )
    return True


def scoring_run_execute(*, run_id: int, take_over: bool = False) -> ScoringRun | None:
    """Do the work of a run: start it, refresh its matches, record the outcome.

    Returns the run, or ``None`` when another worker owns it or it is finished.
    Raises the scoring error after recording it, so that the task can retry.
    """
    if not scoring_run_start(run_id=run_id, take_over=take_over):
        return None
    run = ScoringRun.objects.get(pk=run_id)
    try:
        if run.need_id:
            written = matches_refresh_for_need(need_id=run.need_id)
        else:
            written = matches_refresh_for_offering(offering_id=run.offering_id)
    except Exception as error:
        scoring_run_fail(run_id=run_id, error=repr(error))
        raise
    return scoring_run_finish(run_id=run_id, written=written)


@transaction.atomic
def scoring_run_finish(*, run_id: int, written: int) -> ScoringRun:
    run = ScoringRun.objects.select_for_update().get(pk=run_id)
    run.status = RunStatus.DONE
    run.matches_written = written
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "matches_written", "finished_at"])
    return run


@transaction.atomic
def scoring_run_fail(*, run_id: int, error: str) -> ScoringRun:
    """Record an error: the run goes back to queued while attempts remain (the task
    retries it), and is failed for good after ``MAX_ATTEMPTS``."""
    run = ScoringRun.objects.select_for_update().get(pk=run_id)
    run.error = error[:4000]
    run.status = RunStatus.FAILED if run.attempts >= MAX_ATTEMPTS else RunStatus.QUEUED
    if run.status == RunStatus.FAILED:
        run.finished_at = timezone.now()
    run.save(update_fields=["error", "status", "finished_at"])
    return run


def scoring_runs_resend_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Find runs left queued or running too long and send them again.

    Running runs whose heartbeat is older than ``STALE_AFTER`` lost their worker: they
    go back to queued, or to failed once they have used ``MAX_ATTEMPTS``.
    """
    now = now or timezone.now()
    resend = []
    with transaction.atomic():
        stale = ScoringRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=RunStatus.QUEUED, queued_at__lt=now - RESEND_QUEUED_AFTER)
            & (Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_QUEUED_AFTER))
            | Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
        )
        for run in stale:
            if run.status == RunStatus.RUNNING:
                if run.attempts >= MAX_ATTEMPTS:
                    run.status = RunStatus.FAILED
                    run.error = "the worker stopped without finishing the run"
                    run.finished_at = now
                    run.save(update_fields=["status", "error", "finished_at"])
                    continue
                run.status = RunStatus.QUEUED
                run.save(update_fields=["status"])
            resend.append(run.pk)
        for run_id in resend:
            transaction.on_commit(lambda run_id=run_id: _send(run_id))
    return resend
