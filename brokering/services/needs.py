"""Writes of needs and their items: create, edit, set functions and priorities,
activate, archive, clone. Each change to what scoring reads refreshes the need's item
vector and, for an active need, records a scoring run; each change of the needs the
brokers' dashboard counts makes its cached pages stale (:mod:`brokering.pagecache`)."""

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from brokering.models import Agency, ItemKind, Need, NeedItem, NeedStatus, Priority
from brokering.pagecache import pages_stale
from brokering.services.runs import scoring_run_enqueue
from brokering.services.vectors import need_vectors_refresh
from standards.models import Capability


class TransitionError(ValueError):
    """The object is not in a state that allows the change."""


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
    verified_claims_only: bool = False,
) -> Need:
    pages_stale()
    return Need.objects.create(
        agency=agency,
        created_by=created_by,
        release_id=release_id,
        title=title,
        go_live_date=go_live_date,
        accepted_provider_kinds=sorted(accepted_provider_kinds),
        minimum_impact_level=minimum_impact_level,
        accepted_deployment_models=sorted(accepted_deployment_models),
        verified_claims_only=verified_claims_only,
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
    verified_claims_only: bool = False,
) -> Need:
    need = _lock(need_id)
    _refuse_archived(need)
    need.title = title
    need.go_live_date = go_live_date
    need.accepted_provider_kinds = sorted(accepted_provider_kinds)
    need.minimum_impact_level = minimum_impact_level
    need.accepted_deployment_models = sorted(accepted_deployment_models)
    need.verified_claims_only = verified_claims_only
    need.save()
    need_vectors_refresh(need_ids=[need.pk])
    _rescore_if_active(need, "need changed")
    return need


@transaction.atomic
def need_set_functions(*, need_id: int, function_ids: Iterable[int]) -> Need:
    """Keep the capability items of the chosen functions; add their other
    capabilities as *should*; drop the capability items of functions no longer in
    scope. Items of the other kinds are left alone."""
    need = _lock(need_id)
    _refuse_archived(need)
    function_ids = set(function_ids)
    # One by one, so that history records each removed item.
    for item in NeedItem.objects.filter(need=need, kind=ItemKind.CAPABILITY).exclude(
        capability__function_id__in=function_ids
    ):
        item.delete()
    present = set(
        NeedItem.objects.filter(need=need, kind=ItemKind.CAPABILITY).values_list(
            "capability_id", flat=True
        )
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
    need_vectors_refresh(need_ids=[need.pk])
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
        new = priorities[item.capability_id or 0]
        if new not in Priority.values:
            raise ValueError(f"unknown priority {new!r}")
        if item.priority != new:
            item.priority = new
            item.save(update_fields=["priority"])
            changed += 1
    if changed:
        need.save(update_fields=["updated_at"])
        need_vectors_refresh(need_ids=[need.pk])
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
        need_vectors_refresh(need_ids=[need.pk])
        _rescore_if_active(need, "priorities imported")
    return len(new_items), changed


@transaction.atomic
def need_activate(*, need_id: int) -> Need:
    need = _lock(need_id)
    if need.status != NeedStatus.DRAFT:
        raise TransitionError("Only a draft need can be activated.")
    if not need.items.exists():
        raise TransitionError("Add at least one item before activating.")
    need.status = NeedStatus.ACTIVE
    need.activated_at = timezone.now()
    need.save(update_fields=["status", "activated_at", "updated_at"])
    pages_stale()
    need_vectors_refresh(need_ids=[need.pk])
    scoring_run_enqueue(need_id=need.pk, reason="need activated")
    return need


@transaction.atomic
def need_archive(*, need_id: int) -> Need:
    need = _lock(need_id)
    if need.status == NeedStatus.ARCHIVED:
        raise TransitionError("The need is already archived.")
    need.status = NeedStatus.ARCHIVED
    need.save(update_fields=["status", "updated_at"])
    pages_stale()
    return need


@transaction.atomic
def need_clone(*, need_id: int, created_by) -> Need:
    """A draft copy of a need (constraints and items of every kind), for the same
    agency."""
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
        verified_claims_only=source.verified_claims_only,
    )
    copied = list(source.items.all())
    for item in copied:
        item.pk, item.id, item.need = None, None, copy
    bulk_create_with_history(copied, NeedItem)
    need_vectors_refresh(need_ids=[copy.pk])
    pages_stale()
    return copy
