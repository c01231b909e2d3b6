"""A release read back from the database as plain data (the importers' ReleaseData),
and the diff of two releases over every kind and field.

The JSON and CSV exports are this snapshot, so an export imported under another name
gives the same content digest and an empty diff.
"""

from dataclasses import dataclass, field

from standards.importers import FIELDS, KEYS, KIND_LABELS, TABLE_FIELDS, ReleaseData
from standards.models import StandardsRelease

# Fields read through a relation.
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


def _table_lines(rows: list[list[str]]) -> list[str]:
    return [" | ".join(cell for cell in row if cell) for row in rows]


def display(name: str, before, after) -> tuple[str, str]:
    """A field's value before and after, as text; for a table only the rows that
    differ."""
    if name not in TABLE_FIELDS:
        return str(before), str(after)
    old, new = _table_lines(before), _table_lines(after)
    gone = [line for line in old if line not in set(new)]
    came = [line for line in new if line not in set(old)]
    return "\n".join(gone) or "(no row removed)", "\n".join(came) or "(no row added)"


@dataclass
class Change:
    key: str
    fields: list[str]
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.key

    def field_changes(self) -> list[tuple[str, str, str]]:
        """``(field label, before, after)`` for each changed field."""
        return [
            (name.replace("_", " "), *display(name, self.before[n], self.after[n]))
            for n in self.fields
            for name in [n]
        ]


@dataclass
class KindDiff:
    kind: str
    label: str
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


@dataclass
class ReleaseDiff:
    old: StandardsRelease | None
    new: StandardsRelease | None
    kinds: list[KindDiff]

    def __getattr__(self, kind: str) -> KindDiff:
        for kind_diff in self.__dict__.get("kinds", []):
            if kind_diff.kind == kind:
                return kind_diff
        raise AttributeError(kind)

    @property
    def is_empty(self) -> bool:
        return not any(k.total for k in self.kinds)

    def sections(self) -> list[tuple[str, KindDiff]]:
        return [(k.label, k) for k in self.kinds]


def item_key(kind: str, item: dict) -> str:
    return " / ".join(str(item[name]) for name in KEYS[kind])


def diff_data(old: ReleaseData, new: ReleaseData) -> list[KindDiff]:
    """Added, removed and changed items of every kind, with each changed field's
    value before and after. The order of items is not a change."""
    result = []
    for kind, names in FIELDS.items():
        before = {item_key(kind, item): item for item in old.items(kind)}
        after = {item_key(kind, item): item for item in new.items(kind)}
        kind_diff = KindDiff(kind, KIND_LABELS[kind])
        kind_diff.added = [
            Change(k, [], after=after[k]) for k in sorted(after.keys() - before.keys())
        ]
        kind_diff.removed = [
            Change(k, [], before=before[k])
            for k in sorted(before.keys() - after.keys())
        ]
        for key in sorted(after.keys() & before.keys()):
            fields = [n for n in names if before[key][n] != after[key][n]]
            if fields:
                kind_diff.changed.append(Change(key, fields, before[key], after[key]))
        result.append(kind_diff)
    notes = KindDiff("reference_notes", "Reference index notes")
    if old.reference_notes != new.reference_notes:
        notes.changed.append(
            Change(
                "notes",
                ["reference_notes"],
                {"reference_notes": old.reference_notes},
                {"reference_notes": new.reference_notes},
            )
        )
    result.append(notes)
    return result


def release_diff(old: StandardsRelease, new: StandardsRelease) -> ReleaseDiff:
    """Every kind and field: what changed from release ``old`` to ``new``."""
    return ReleaseDiff(old, new, diff_data(release_data(old), release_data(new)))
