"""A release's item space: every item a need can ask for and an offering can claim.

Four kinds come from the standards: capabilities (FFMSRs), service measures,
information exchanges and pre-built reports. Their order is the order of the compact
claim vectors (:mod:`catalog.vectors`) and of need item vectors: capabilities by
code, then measures by code and name, then exchanges by position, then reports by
position. Capabilities come first, so a capability's vector index is its index in the
release's code order, as before the other kinds joined.

Each item has a key ``(kind, primary key)`` and an ID people read and type (the
workbook's ``ID`` column): a capability's code; a measure's code (``/2``, ``/3`` …
after the first where the workbook repeats a code, in name order); ``EX-<position>``
for an exchange; ``RPT-<position>`` for a report. Releases do not change once
imported, so IDs and positions are stable.
"""

import re
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import F, Value
from django.db.models.functions import Cast, Concat

from standards.identifiers import FUNCTION_IN_TEXT, exchange_id, report_id
from standards.models import Capability, Exchange, Report, ServiceMeasure


class ItemKind(models.TextChoices):
    CAPABILITY = "capability", "Capability"
    MEASURE = "measure", "Service measure"
    EXCHANGE = "exchange", "Information exchange"
    REPORT = "report", "Pre-built report"


KIND_ORDER = tuple(ItemKind.values)


def kind_rank(kind: str) -> int:
    """Where a kind of item comes in every list, table and export: the standards'
    kinds in ``KIND_ORDER``, then anything else (the agency's own requirements)."""
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


# Treasury leaves these targets to the customer ("TBD by service customer").
_CUSTOMER_TARGET = re.compile(r"\bTBD\b", re.IGNORECASE)

ItemKey = tuple[str, int]


@dataclass(frozen=True)
class ItemRef:
    """One item of a release's item space."""

    kind: str
    pk: int
    code: str  # the ID people read
    function: str  # FFM function code, "" when the item names none
    label: str  # statement, measure name, exchange information, report name
    target: str = ""  # a measure's target as Treasury states it

    @property
    def key(self) -> ItemKey:
        return (self.kind, self.pk)

    @property
    def target_is_customers(self) -> bool:
        """Treasury leaves the target to the service customer (the agency)."""
        return self.kind == ItemKind.MEASURE and measure_target_is_customers(
            self.target
        )


def measure_target_is_customers(target: str) -> bool:
    return bool(_CUSTOMER_TARGET.search(target or "")) or not (target or "").strip()


def function_of(text: str) -> str:
    """The first function code a text names ("" when none)."""
    found = FUNCTION_IN_TEXT.search(text or "")
    return found.group(0) if found else ""


def _union(release_id: int, labels: bool, capabilities: bool) -> models.QuerySet:
    """The query of :func:`release_items`: one union over the kinds."""
    text = models.TextField()

    def rows(model, kind, code, position, name, function, label, target):
        def column(value):
            return value if hasattr(value, "resolve_expression") else Value(value)

        return (
            model.objects.filter(release_id=release_id)
            .order_by()
            .annotate(
                i_kind=Value(kind, output_field=text),
                i_code=Cast(column(code), output_field=text),
                i_position=Cast(column(position), output_field=models.IntegerField()),
                i_name=Cast(column(name), output_field=text),
                i_function=Cast(column(function), output_field=text),
                i_label=Cast(column(label if labels else ""), output_field=text),
                i_target=Cast(column(target), output_field=text),
            )
            .values_list(
                "i_kind",
                "id",
                "i_code",
                "i_position",
                "i_name",
                "i_function",
                "i_label",
                "i_target",
            )
        )

    others = (
        rows(
            ServiceMeasure,
            ItemKind.MEASURE,
            F("code"),
            0,
            F("name"),
            F("function_code"),
            F("name"),
            F("target"),
        ),
        rows(
            Exchange,
            ItemKind.EXCHANGE,
            "",
            F("position"),
            "",
            F("functions"),
            Concat(F("system__name"), Value(": "), F("information"), output_field=text),
            "",
        ),
        rows(
            Report,
            ItemKind.REPORT,
            "",
            F("position"),
            "",
            F("function"),
            F("name"),
            "",
        ),
    )
    if capabilities:
        return rows(
            Capability,
            ItemKind.CAPABILITY,
            F("code"),
            0,
            "",
            F("function__code"),
            F("statement"),
            "",
        ).union(*others, all=True)
    return others[0].union(*others[1:], all=True)


# The union's SQL, compiled once per database and shape (labels, capabilities):
# building it through the ORM cost several times what running it does, on every
# page that shows a release's items. Only the release id changes between calls.
_compiled: dict[tuple[str, bool, bool], tuple[str, tuple, list[int]]] = {}
# A release id no database has: it marks the parameters that take the real one.
_RELEASE_SLOT = -7_346_513


def _union_rows(release_id: int, labels: bool, capabilities: bool) -> list[tuple]:
    key = (connection.alias, labels, capabilities)
    compiled = _compiled.get(key)
    if compiled is None:
        sql, params = _union(
            _RELEASE_SLOT, labels, capabilities
        ).query.sql_with_params()
        slots = [i for i, value in enumerate(params) if value == _RELEASE_SLOT]
        compiled = _compiled[key] = (sql, tuple(params), slots)
    sql, template, slots = compiled
    bound = list(template)
    for i in slots:
        bound[i] = release_id
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        return cursor.fetchall()


def release_items(
    release_id: int, *, labels: bool = True, capabilities: bool = True
) -> list[ItemRef]:
    """The release's items in vector order, in one query (a union over the four
    kinds). ``labels=False`` leaves the labels empty (what scoring reads);
    ``capabilities=False`` leaves the capabilities out (an offering page's other
    kinds' sections: a thousand rows it would read for nothing)."""
    rank = {kind: n for n, kind in enumerate(KIND_ORDER)}
    found = sorted(
        _union_rows(release_id, labels, capabilities),
        key=lambda row: (rank[row[0]], row[2], row[3], row[4], row[1]),
    )
    items: list[ItemRef] = []
    seen: dict[str, int] = {}
    for kind, pk, code, position, _name, function, label, target in found:
        if kind == ItemKind.MEASURE:
            seen[code] = seen.get(code, 0) + 1
            if seen[code] > 1:
                code = f"{code}/{seen[code]}"
        elif kind == ItemKind.EXCHANGE:
            code, function = exchange_id(position), function_of(function)
        elif kind == ItemKind.REPORT:
            code, function = report_id(position), function_of(function)
        items.append(ItemRef(kind, pk, code, function or "", label or "", target or ""))
    return items


def item_keys_in_order(release_id: int) -> list[ItemKey]:
    """Keys of the release's items in vector order: position = vector index."""
    return [item.key for item in release_items(release_id, labels=False)]
