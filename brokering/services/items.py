"""Writes of a need's items of every kind: capabilities, service measures (with the
target asked), information exchanges, pre-built reports and the agency's own
requirements. The business needs workbook and the wizard's kind steps write here."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from brokering.models import ITEM_FIELDS, ItemKind, Need, NeedItem, Priority
from brokering.services.needs import (
    _lock,
    _refuse_archived,
    _rescore_if_active,
)
from brokering.services.vectors import need_vectors_refresh

# The fields a need item states besides which item it is.
STATED = ("priority", "rationale", "target", "statement", "authority", "function_id")


@dataclass(frozen=True)
class NeedItemInput:
    """One item as stated. ``item_id``: the standards item's primary key (None for
    an agency-specific requirement, which ``code`` names instead)."""

    kind: str
    item_id: int | None
    priority: str
    rationale: str = ""
    target: str = ""
    code: str = ""
    statement: str = ""
    authority: str = ""
    function_id: int | None = None

    @property
    def key(self) -> tuple:
        return (self.kind, self.code if self.kind == ItemKind.AGENCY else self.item_id)


def _key(item: NeedItem) -> tuple:
    return (item.kind, item.code if item.kind == ItemKind.AGENCY else item.item_id)


def _new(need: Need, data: NeedItemInput) -> NeedItem:
    item = NeedItem(need=need, kind=data.kind)
    field = ITEM_FIELDS.get(data.kind)
    if field:
        setattr(item, f"{field}_id", data.item_id)
    else:
        item.code = data.code
    for name in STATED:
        setattr(item, name, getattr(data, name))
    return item


def _changed(need: Need) -> None:
    need.save(update_fields=["updated_at"])
    need_vectors_refresh(need_ids=[need.pk])
    _rescore_if_active(need, "items changed")


@transaction.atomic
def need_items_replace(
    *, need_id: int, items: Iterable[NeedItemInput]
) -> tuple[int, int, int]:
    """Make the need's items exactly ``items`` (the workbook's upload): new ones are
    added, stated fields updated, items not given removed; one history row per
    change. The caller has checked every item (kinds, release, priorities). Returns
    ``(added, changed, removed)``."""
    need = _lock(need_id)
    _refuse_archived(need)
    wanted = {data.key: data for data in items}
    existing = {_key(item): item for item in NeedItem.objects.filter(need=need)}
    removed = changed = 0
    for key, item in existing.items():
        if key not in wanted:
            item.delete()
            removed += 1
            continue
        data = wanted[key]
        if all(getattr(item, name) == getattr(data, name) for name in STATED):
            continue
        for name in STATED:
            setattr(item, name, getattr(data, name))
        item.save()
        changed += 1
    new = [_new(need, data) for key, data in wanted.items() if key not in existing]
    bulk_create_with_history(new, NeedItem)
    if new or changed or removed:
        _changed(need)
    return len(new), changed, removed


@transaction.atomic
def need_set_kind_items(
    *,
    need_id: int,
    kind: str,
    priorities: Mapping[int, str],
    targets: Mapping[int, str] | None = None,
) -> tuple[int, int, int]:
    """The wizard's step for one kind of standards item (measure, exchange,
    report): ``priorities`` maps the release item's primary key to must, should or
    could, or to "" (not needed: the item is removed); ``targets`` (measures) the
    target asked ("" for Treasury's). Items of other kinds, and rationales, are
    left alone. Returns ``(added, changed, removed)``."""
    targets = targets or {}
    field = ITEM_FIELDS[kind]
    need = _lock(need_id)
    _refuse_archived(need)
    existing = {
        getattr(item, f"{field}_id"): item
        for item in NeedItem.objects.filter(need=need, kind=kind)
    }
    added: list[NeedItem] = []
    changed = removed = 0
    for item_id, priority in priorities.items():
        if priority and priority not in Priority.values:
            raise ValueError(f"unknown priority {priority!r}")
        item = existing.get(item_id)
        target = targets.get(item_id, item.target if item else "").strip()
        if item is None:
            if priority:
                added.append(
                    _new(need, NeedItemInput(kind, item_id, priority, target=target))
                )
        elif not priority:
            item.delete()
            removed += 1
        elif (item.priority, item.target) != (priority, target):
            item.priority, item.target = priority, target
            item.save(update_fields=["priority", "target"])
            changed += 1
    bulk_create_with_history(added, NeedItem)
    if added or changed or removed:
        _changed(need)
    return len(added), changed, removed
