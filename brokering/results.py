"""The ranked results page of a need (``brokering:need-results``): its reads and rows.

A cold render of a 300-item need's page spent more of its CPU building the ORM's
queries and model instances (each of 25 matches with its whole offering, search
vector included, and its provider) and placing 250 coverage bars through Django's
template engine than PostgreSQL spent answering (docs/performance.md, finding 39).
So the page's own reads here are plain statements of the columns it prints, and its
rows are prepared once in Python and rendered by Jinja2
(``templates/jinja2/brokering/_result_rows.html``). The rules stay in their homes:
the ranking is :data:`brokering.scoring.RANK_ORDER`, "covered" is the catalog's
``COVERED_LEVELS``, the bars are :func:`brokering.display.coverage_bar`; what is
read equals :func:`brokering.selectors.matches_for_need` and
:func:`brokering.selectors.function_coverage` (``tests/brokering/test_results.py``).
"""

import json
from collections.abc import Sequence
from typing import NamedTuple

from django.db import connection
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from brokering import display, scoring
from brokering.models import Match, MatchStatus, NeedItem, RunStatus, ScoringRun
from catalog.models import Claim, Offering, OfferingStatus, Provider
from catalog.models.search import COVERED_LEVELS
from marketplace.table_rows import table_rows
from standards.models import Capability, Function

_STATUS_LABELS = dict(MatchStatus.choices)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _rank_order() -> str:
    """:data:`scoring.RANK_ORDER` as the SQL of an ``ORDER BY`` on matches ``m``."""
    return ", ".join(
        f"m.{_column(Match, field.lstrip('-'))} "
        + ("DESC" if field.startswith("-") else "ASC")
        for field in scoring.RANK_ORDER
    )


def latest_run(*, need_id: int) -> ScoringRun | None:
    """The need's latest scoring run (the last queued), or ``None``."""
    columns = ", ".join(
        _column(ScoringRun, f.name) for f in ScoringRun._meta.concrete_fields
    )
    sql = (
        # Only names from the model are put in; the need as a parameter.
        f"SELECT {columns} FROM {_table(ScoringRun)} "  # noqa: S608  # nosec B608
        f"WHERE {_column(ScoringRun, 'need')} = %s "
        f"ORDER BY {_column(ScoringRun, 'queued_at')} DESC, "
        f"{_column(ScoringRun, 'id')} DESC LIMIT 1"
    )
    return next(iter(ScoringRun.objects.raw(sql, [need_id])), None)


def scoring_pending(*, need_id: int) -> bool:
    """True while a run for the need, or for an offering it is matched with, is
    queued or running."""
    run_need, run_offering = (
        _column(ScoringRun, "need"),
        _column(ScoringRun, "offering"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            # Only names from the models are put in; values are parameters.
            f"SELECT 1 FROM {_table(ScoringRun)} WHERE "  # noqa: S608  # nosec B608
            f"{_column(ScoringRun, 'status')} IN (%s, %s) AND ({run_need} = %s "
            f"OR {run_offering} IN (SELECT {_column(Match, 'offering')} "
            f"FROM {_table(Match)} WHERE {_column(Match, 'need')} = %s)) LIMIT 1",
            [RunStatus.QUEUED, RunStatus.RUNNING, need_id, need_id],
        )
        return cursor.fetchone() is not None


class RankedMatch(NamedTuple):
    """What the page prints of one match (a row of the ranked list)."""

    id: int
    offering_id: int
    score: float
    eligible: bool
    ineligible_reasons: list[str]
    gaps_count: int
    status: str
    offering_name: str
    provider_name: str


class RankedMatches:
    """A need's ranked matches of published offerings, optionally eligible only or
    of one decision, for :class:`django.core.paginator.Paginator`: counted with one
    statement, a page read with one more."""

    def __init__(self, *, need_id: int, eligible_only: bool, status: str) -> None:
        self._where = (
            f"m.{_column(Match, 'need')} = %s AND o.{_column(Offering, 'status')} = %s"
        )
        self._params: list = [need_id, OfferingStatus.PUBLISHED]
        if eligible_only:
            self._where += f" AND m.{_column(Match, 'eligible')} = %s"
            self._params.append(True)
        if status:
            self._where += f" AND m.{_column(Match, 'status')} = %s"
            self._params.append(status)
        self._from = (
            f"{_table(Match)} m INNER JOIN {_table(Offering)} o "
            f"ON m.{_column(Match, 'offering')} = o.{_column(Offering, 'id')}"
        )

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                # Only names from the models are put in; values are parameters.
                f"SELECT COUNT(*) FROM {self._from} WHERE {self._where}",  # noqa: S608  # nosec B608
                self._params,
            )
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[RankedMatch]:
        start = window.start or 0
        columns = ", ".join(
            [
                *(
                    f"m.{_column(Match, name)}"
                    for name in (
                        "id",
                        "offering",
                        "score",
                        "eligible",
                        "ineligible_reasons",
                        "gaps_count",
                        "status",
                    )
                ),
                f"o.{_column(Offering, 'name')}",
                f"p.{_column(Provider, 'name')}",
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                # Only names from the models are put in; values are parameters.
                f"SELECT {columns} FROM {self._from} "  # noqa: S608  # nosec B608
                f"INNER JOIN {_table(Provider)} p "
                f"ON o.{_column(Offering, 'provider')} = p.{_column(Provider, 'id')} "
                f"WHERE {self._where} ORDER BY {_rank_order()} LIMIT %s OFFSET %s",
                [*self._params, window.stop - start, start],
            )
            return [
                RankedMatch(
                    pk,
                    offering_id,
                    score,
                    bool(eligible),
                    json.loads(ineligible),  # the database's JSON text
                    gaps_count,
                    status,
                    offering_name,
                    provider_name,
                )
                for (
                    pk,
                    offering_id,
                    score,
                    eligible,
                    ineligible,
                    gaps_count,
                    status,
                    offering_name,
                    provider_name,
                ) in cursor.fetchall()
            ]


def coverage(*, need_id: int, offering_ids: Sequence[int]) -> dict[int, list[dict]]:
    """:func:`brokering.selectors.function_coverage`'s answer for the results page:
    per offering, per function of the need's capabilities, how many of them the
    offering covers. Two plain statements."""
    item_capability = f"ni.{_column(NeedItem, 'capability')}"
    code = f"f.{_column(Function, 'code')}"

    def with_function(capability: str) -> str:
        return (
            f"INNER JOIN {_table(Capability)} c "
            f"ON {capability} = c.{_column(Capability, 'id')} "
            f"INNER JOIN {_table(Function)} f "
            f"ON c.{_column(Capability, 'function')} = f.{_column(Function, 'id')}"
        )

    need_items = f"{_table(NeedItem)} ni WHERE ni.{_column(NeedItem, 'need')} = %s"  # nosec B608
    with connection.cursor() as cursor:
        # Only names from the models and placeholders are put in the statements.
        items_sql = (
            f"SELECT {code}, COUNT(*) FROM {_table(NeedItem)} ni "  # noqa: S608  # nosec B608
            f"{with_function(item_capability)} "
            f"WHERE ni.{_column(NeedItem, 'need')} = %s "
            f"AND ni.{_column(NeedItem, 'kind')} = %s GROUP BY {code} ORDER BY {code}"
        )
        cursor.execute(items_sql, [need_id, "capability"])
        functions = cursor.fetchall()
        if not offering_ids:
            return {}
        offering = f"cl.{_column(Claim, 'offering')}"
        capability = f"cl.{_column(Claim, 'capability')}"
        levels = ", ".join(["%s"] * len(COVERED_LEVELS))
        offerings = ", ".join(["%s"] * len(offering_ids))
        claims_sql = (
            f"SELECT {offering}, {code}, COUNT(*) FROM {_table(Claim)} cl "  # noqa: S608  # nosec B608
            f"{with_function(capability)} "
            f"WHERE {capability} IN (SELECT {item_capability} FROM {need_items}) "
            f"AND cl.{_column(Claim, 'level')} IN ({levels}) "
            f"AND {offering} IN ({offerings}) GROUP BY {offering}, {code}"
        )
        cursor.execute(claims_sql, [need_id, *COVERED_LEVELS, *offering_ids])
        covered = {(row[0], row[1]): row[2] for row in cursor.fetchall()}
    return coverage_by_function(offering_ids, functions, covered)


def coverage_by_function(
    offering_ids, functions, covered: dict[tuple[int, str], int]
) -> dict[int, list[dict]]:
    """Per offering, per function of the need (``functions``: code and number of
    the need's capabilities in it): how many it covers and the percentage (the
    one rule of the results page, its plain read and
    :func:`brokering.selectors.function_coverage`)."""
    return {
        offering_id: [
            {
                "function": function,
                "items": items,
                "covered": covered.get((offering_id, function), 0),
                "percent": round(100 * covered.get((offering_id, function), 0) / items),
            }
            for function, items in functions
        ]
        for offering_id in offering_ids
    }


def result_rows(
    *,
    need_id: int,
    matches: Sequence[RankedMatch],
    first_rank: int,
    covered: dict[int, list[dict]],
) -> SafeString:
    """The ranked table's rows as HTML (Jinja2), each printed value prepared once:
    text escaped by Django's own escaping (the page stays byte for byte what
    Django's engine wrote), scores formatted by the ``floatformat`` filter, each
    distinct bar drawn once."""
    bars: dict[tuple[int, int], SafeString] = {}
    codes: dict[str, SafeString] = {}  # each function's code, escaped once
    # Every row's link differs only by the match: the address is made once (the
    # match id is the path's last number).
    before, after = reverse("brokering:match-detail", args=[need_id, 0]).rsplit("0", 1)
    rows = []
    for rank, match in enumerate(matches, first_rank):
        functions = []
        for function in covered[match.offering_id]:
            key = (function["covered"], function["items"])
            bar = bars.get(key)
            if bar is None:
                bar = bars[key] = display.coverage_bar(function)
            code = function["function"]
            escaped = codes.get(code)
            if escaped is None:
                escaped = codes[code] = escape(code)
            functions.append((escaped, bar))
        rows.append(
            (
                rank,
                f"{before}{match.id}{after}",
                escape(match.offering_name),
                escape(match.provider_name),
                floatformat(match.score, 1),
                floatformat(match.score, "1u"),
                match.eligible,
                mark_safe(  # noqa: S308  # nosec B308 B703 - each reason escaped
                    "; ".join(escape(reason) for reason in match.ineligible_reasons)
                ),
                match.gaps_count,
                functions,
                _STATUS_LABELS.get(match.status, match.status),
            )
        )
    return table_rows("brokering/_result_rows.html", rows)
