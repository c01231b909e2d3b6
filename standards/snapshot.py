"""A release read back from the database as plain data (the importers' ReleaseData),
and the diff of two releases over every kind and field.

The JSON and CSV exports are this snapshot, so an export imported under another name
gives the same content digest and an empty diff.
"""

from dataclasses import dataclass, field

from standards.importers import FIELDS, KEYS, KIND_LABELS, ReleaseData
from standards.models import StandardsRelease

# Kind -> (queryset of the release, extra fields read through a relation).
RELATED_FIELDS = {
    "activities": {"function_code": "function__code"},
    "capabilities": {"activity_code": "activity__code"},
    "exchanges": {"system": "system__name"},
}
ORDER = {
    "functions": ("code",),
    "activities": ("code",),
    "capabilities": ("code",),
    "service_measures": ("code", "name"),
    "data_elements": ("label",),
    "references": ("number",),
    "change_log": ("workbook", "position"),
    "systems": ("position",),
    "exchanges": ("position",),
    "specifications": ("position",),
    "reports": ("position",),
}


def release_data(release: StandardsRelease) -> ReleaseData:
    """Every kind of ``release`` as plain dictionaries, one query per kind."""
    data = ReleaseData(
        reference_notes=release.reference_notes,
        checksums=dict(release.source_checksums),
    )
    for kind, names in FIELDS.items():
        related = RELATED_FIELDS.get(kind, {})
        columns = [related.get(name, name) for name in names]
        rows = getattr(release, kind).order_by(*ORDER[kind]).values_list(*columns)
        data.items(kind).extend(dict(zip(names, row, strict=True)) for row in rows)
    return data


@dataclass
class Change:
    key: str
    fields: list[tuple[str, object, object]]  # (field, before, after)


@dataclass
class KindDiff:
    kind: str
    label: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def item_key(kind: str, item: dict) -> str:
    return " / ".join(str(item[name]) for name in KEYS[kind])


def diff_data(old: ReleaseData, new: ReleaseData) -> list[KindDiff]:
    """Added, removed and changed items of every kind, with each changed field's
    value before and after. Order within a list is not a change."""
    result = []
    for kind, names in FIELDS.items():
        before = {item_key(kind, item): item for item in old.items(kind)}
        after = {item_key(kind, item): item for item in new.items(kind)}
        kind_diff = KindDiff(kind, KIND_LABELS[kind])
        kind_diff.added = [after[k] for k in after if k not in before]
        kind_diff.removed = [before[k] for k in before if k not in after]
        for key in after.keys() & before.keys():
            fields = [
                (name, before[key][name], after[key][name])
                for name in names
                if before[key][name] != after[key][name]
            ]
            if fields:
                kind_diff.changed.append(Change(key, fields))
        kind_diff.changed.sort(key=lambda change: change.key)
        result.append(kind_diff)
    if old.reference_notes != new.reference_notes:
        notes = KindDiff("reference_notes", "Reference index notes")
        notes.changed.append(
            Change("notes", [("notes", old.reference_notes, new.reference_notes)])
        )
        result.append(notes)
    return result


def release_diff_all(old: StandardsRelease, new: StandardsRelease) -> list[KindDiff]:
    return diff_data(release_data(old), release_data(new))
