"""The catalog's facet index: every published offering's facet values in a few NumPy
arrays, built once per catalog version and kept in the process.

A search's facet counts used to be three ``GROUP BY`` queries over the offerings that
match its text, 25-40 ms each at 20,000 offerings, paid by every search not yet in
the page cache. The index turns them into array counting over the matching offerings
(well under a millisecond): :func:`catalog.selectors.search.search_offerings` asks
PostgreSQL only for the ids its text matches, and for the page of results.

The index is keyed by the catalog's version (:mod:`catalog.pagecache`: every change
to offerings, claims, providers, contract vehicles or the current release bumps it in
its own transaction), so a change is seen by the next search. With
``CATALOG_FACET_INDEX_KEEP`` off (the tests, which write rows directly) it is built
afresh for every search.

A search's words are matched once per process and version: the index keeps, for
the words (lexemes) of the last queries, the offerings whose search document holds
them (:data:`LEXEMES_KEPT`), so a query of plain words ("payroll grants", the AND
of its lexemes) whose words were read before is answered from memory, and one
whose words were not reads only those (a word in almost every offering,
"financial", cost PostgreSQL a match on every offering each time).
"""

import datetime
import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Generic, TypeVar

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Case, CharField, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.utils import timezone

from catalog.fedramp import (
    AUTHORIZATION_AGES,
    NONE,
    ONE_TO_3,
    OVER_3,
    UNDER_1,
    age_boundaries,
)
from catalog.models import ItemClaim, Offering, OfferingFunction
from catalog.models.search import COVERED_LEVELS
from catalog.pagecache import SCOPE
from catalog.selectors.common import published_offerings
from catalog.selectors.name_words import NameWords, NameWordsBuilder
from marketplace import memory, pagecache
from standards.items import ItemKind

# The facets that are columns of the offering (or of its provider), by parameter.
COLUMNS = {
    "kind": "provider__kind",
    "category": "category",
    "deployment": "deployment_model",
    "fedramp": "fedramp_status",
    "impact": "fedramp_impact",
    "authorized": "authorization_age",
    "accessibility": "has_report",
}
# A text query the kept lexemes can answer: lexemes joined by AND, nothing else (no
# phrase, negation, alternative, weight or prefix).
PLAIN_AND = re.compile(r"'([^'\\ ]+)'(?: & '([^'\\ ]+)')*")
LEXEME = re.compile(r"'([^'\\ ]+)'")
# Rows read at a time to build the index (a server-side cursor on PostgreSQL): a
# web worker never holds all of them at once.
BUILD_CHUNK = 5000
# Queries whose matches (and relevance) the index keeps: the next page, sort or
# facet choice of the same words reads no text again. A kept match is 1 bit per
# offering (2.2 KB at 18,000).
TEXT_MATCHES_KEPT = 256
RELEVANCE_KEPT = 32
# Lexemes whose offerings the index keeps, packed (1 bit per offering: 576 KB for
# all of them at 18,000).
LEXEMES_KEPT = 256
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


class _Codes:
    """One facet column as small integer codes, coded as its values come: codes in
    the order first seen, renumbered in the values' order at the end (the column's
    values are not all kept: a new string per row at 20,000 offerings)."""

    def __init__(self) -> None:
        self.first: dict = {}  # value -> code, in the order first seen
        self.seen = array("q")

    def add(self, value) -> None:
        self.seen.append(self.first.setdefault(value, len(self.first)))

    def result(self) -> tuple[np.ndarray, list]:
        """The codes and the distinct values they index (sorted, ``None`` last)."""
        distinct = sorted(self.first, key=lambda v: (v is None, str(v)))
        renumber = np.empty(len(distinct), dtype=np.int16)
        for code, value in enumerate(distinct):
            renumber[self.first[value]] = code
        return renumber[np.frombuffer(self.seen, dtype=np.int64)], distinct


def _any_of(matrix: np.ndarray, labels: list[str], chosen: Sequence[str]) -> np.ndarray:
    """Rows of a membership matrix in any one of the ``chosen`` columns."""
    columns = [j for j, label in enumerate(labels) if label in chosen]
    return np.asarray(matrix[:, columns].any(axis=1))


def _column_counts(
    matrix: np.ndarray, labels: list[str], mask: np.ndarray
) -> dict[str, int]:
    """How many of the ``mask`` rows are in each column of a membership matrix."""
    return dict(zip(labels, map(int, matrix[mask].sum(axis=0)), strict=True))


def _membership(
    rows: Iterable[tuple[int, str]], position: dict[int, int], size: int
) -> tuple[np.ndarray, list[str]]:
    """A boolean matrix offerings x labels from ``(offering id, label)`` rows, set a
    chunk of :data:`BUILD_CHUNK` rows at a time as they come: half a million rows at
    20,000 offerings (the Treasury systems offerings exchange data with), collected
    whole before the matrix was set, were the peak of a web worker's memory."""
    column: dict[str, int] = {}  # label -> column, in the order first seen
    matrix = np.zeros((size, 8), dtype=bool)
    rows = iter(rows)
    while chunk := list(islice(rows, BUILD_CHUNK)):
        at = np.fromiter((position[pk] for pk, _label in chunk), np.int64, len(chunk))
        of = np.fromiter(
            (column.setdefault(label, len(column)) for _pk, label in chunk),
            np.int64,
            len(chunk),
        )
        if len(column) > matrix.shape[1]:
            grown = np.zeros((size, max(len(column), 2 * matrix.shape[1])), dtype=bool)
            grown[:, : matrix.shape[1]] = matrix
            matrix = grown
        matrix[at, of] = True
    labels = sorted(column)
    return np.ascontiguousarray(matrix[:, [column[label] for label in labels]]), labels


@dataclass
class FacetIndex:
    """The published offerings of one catalog version, in name order (``ids[i]`` is
    the i-th by name, then id: the order every list falls back to)."""

    ids: np.ndarray
    coverage: np.ndarray  # the percentage :func:`with_coverage` computes
    updated: np.ndarray  # last update, microseconds since the epoch
    codes: dict[str, np.ndarray]  # facet parameter -> code per offering
    values: dict[str, list]  # facet parameter -> the value of each code
    functions: np.ndarray  # offerings x function codes: covers it
    function_codes: list[str]
    vehicles: np.ndarray  # offerings x vehicle slugs: on it
    vehicle_slugs: list[str]
    # offerings x Treasury systems: exchanges data with it (a meets or configurable
    # claim on one of the system's information exchanges)
    exchanges: np.ndarray
    exchange_systems: list[str]
    # Each name as the database's UPPER() writes it, in UTF-8 (a quarter of the
    # memory of NumPy's four bytes a character; prefixes and equality are the same).
    upper_names: np.ndarray
    providers: np.ndarray  # each offering's provider id
    # The words of the names and providers' names: the misspelling matches.
    name_words: NameWords
    # lexeme -> the offerings whose search document holds it, packed
    lexemes: "Recent[str, np.ndarray]" = field(
        default_factory=lambda: Recent(LEXEMES_KEPT)
    )
    # What searches read for their text at this version (catalog.selectors.search):
    # the matches of their last queries, packed, and those queries' relevance.
    text_matches: "Recent[str, tuple[np.ndarray, str | None]]" = field(
        default_factory=lambda: Recent(TEXT_MATCHES_KEPT)
    )
    # query -> the ids ranked and their relevance (catalog.selectors.search)
    relevance: "Recent[str, tuple[np.ndarray, np.ndarray]]" = field(
        default_factory=lambda: Recent(RELEVANCE_KEPT)
    )
    _by_id: np.ndarray = field(init=False)
    _sorted_ids: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self._by_id = np.argsort(self.ids, kind="stable")
        self._sorted_ids = self.ids[self._by_id]

    def __len__(self) -> int:
        return len(self.ids)

    def _positions(self, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each of ``pks`` stands in the index, and which of them do."""
        at = np.searchsorted(self._sorted_ids, pks).clip(0, max(len(self.ids) - 1, 0))
        found = self._sorted_ids[at] == pks if len(self.ids) else pks < 0
        return self._by_id[at[found]], found

    def mask_of(self, pks: Sequence[int]) -> np.ndarray:
        """The offerings among ``pks`` (ids not in the index are ignored)."""
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[self._positions(np.asarray(pks, dtype=np.int64))[0]] = True
        return mask

    def value_mask(self, name: str, chosen: Sequence[str]) -> np.ndarray:
        codes = [c for c, value in enumerate(self.values[name]) if value in chosen]
        return np.isin(self.codes[name], codes)

    def functions_mask(self, chosen: Sequence[str]) -> np.ndarray:
        """Offerings covering every one of ``chosen``."""
        mask = np.ones(len(self.ids), dtype=bool)
        for code in chosen:
            if code not in self.function_codes:
                return np.zeros(len(self.ids), dtype=bool)
            mask &= self.functions[:, self.function_codes.index(code)]
        return mask

    def vehicles_mask(self, chosen: Sequence[str]) -> np.ndarray:
        """Offerings on any one of ``chosen``."""
        return _any_of(self.vehicles, self.vehicle_slugs, chosen)

    def exchanges_mask(self, chosen: Sequence[str]) -> np.ndarray:
        """Offerings exchanging data with any one of the ``chosen`` systems."""
        return _any_of(self.exchanges, self.exchange_systems, chosen)

    def value_counts(self, name: str, mask: np.ndarray) -> dict:
        counts = np.bincount(self.codes[name][mask], minlength=len(self.values[name]))
        return {v: int(n) for v, n in zip(self.values[name], counts, strict=True) if n}

    def function_counts(self, mask: np.ndarray) -> dict[str, int]:
        counts = self.functions[mask].sum(axis=0)
        return dict(zip(self.function_codes, map(int, counts), strict=True))

    def vehicle_counts(self, mask: np.ndarray) -> dict[str, int]:
        return _column_counts(self.vehicles, self.vehicle_slugs, mask)

    def exchange_counts(self, mask: np.ndarray) -> dict[str, int]:
        return _column_counts(self.exchanges, self.exchange_systems, mask)

    def ids_in_order(self, mask: np.ndarray, sort: str = "name") -> np.ndarray:
        """The ids of ``mask`` by name then id, or by ``sort`` (``coverage``,
        highest first, or ``updated``, latest first) then name then id: the orders
        of :func:`catalog.selectors.search.search_offerings`."""
        positions = np.flatnonzero(mask)
        if sort in ("coverage", "updated"):
            key = self.coverage if sort == "coverage" else self.updated
            # Positions are in name order already: a stable sort keeps it in ties.
            positions = positions[np.argsort(-key[positions], kind="stable")]
        return self.ids[positions]

    def first_by_coverage(self, mask: np.ndarray, limit: int) -> list[int]:
        """The first ``limit`` offerings of ``mask`` by coverage (highest first), then
        name, then id: the order :data:`catalog.selectors.search.PRE_ORDER` names."""
        return self.ids_in_order(mask, "coverage")[:limit].tolist()

    def exact_matches(self, mask: np.ndarray, upper_q: str) -> dict[int, int]:
        """2 for the offerings of ``mask`` named ``q``, 1 for those whose name
        starts with it (``upper_q``: ``q`` as the database's UPPER() writes it, as
        Django's ``iexact`` and ``istartswith`` compare)."""
        names = self.upper_names[mask]
        wanted = upper_q.encode()
        starting = np.char.startswith(names, wanted)
        exact = np.where(names[starting] == wanted, 2, 1)
        return dict(zip(self.ids[mask][starting].tolist(), exact.tolist(), strict=True))

    def _spread(self, values: dict, fill, dtype) -> np.ndarray:
        """``values`` (by offering id) as an array over the index."""
        spread = np.full(len(self.ids), fill, dtype=dtype)
        positions, found = self._positions(np.fromiter(values, np.int64, len(values)))
        spread[positions] = np.fromiter(values.values(), dtype, len(values))[found]
        return spread

    def by_relevance(
        self,
        mask: np.ndarray,
        *,
        exact: dict[int, int],
        relevance: dict[int, float],
        ranked_all: bool,
    ) -> np.ndarray:
        """The ids of ``mask`` in relevance order: ``exact`` (2 for a name equal to
        the query, 1 for one starting with it) highest first, then ``relevance``
        highest first (offerings without one after those with), then, when every
        match was ranked (``ranked_all``), name and id, else coverage, name and id.
        """
        positions = np.flatnonzero(mask)
        exact_of = self._spread(exact, 0, np.int8)[positions]
        ranked = self._spread(dict.fromkeys(relevance, True), False, bool)[positions]
        score = self._spread(relevance, 0.0, np.float64)[positions]
        tie = np.zeros(len(positions)) if ranked_all else -self.coverage[positions]
        # lexsort: the last key sorts first; position (name order) breaks ties.
        order = np.lexsort((positions, tie, -score, ~ranked, -exact_of))
        return self.ids[positions[order]]

    def text_mask(self, tsquery: str) -> np.ndarray | None:
        """The offerings matching ``tsquery`` (PostgreSQL's text of a parsed query)
        when it is lexemes joined by AND, else ``None``: the offerings holding every
        one of them. Each lexeme's offerings are kept (the last
        :data:`LEXEMES_KEPT`); those not kept are read, in one query."""
        if not PLAIN_AND.fullmatch(tsquery):
            return None
        lexemes = dict.fromkeys(LEXEME.findall(tsquery))
        kept = {lexeme: self.lexemes.kept(lexeme) for lexeme in lexemes}
        read = _offerings_with(
            [lexeme for lexeme, bits in kept.items() if bits is None]
        )
        mask = np.ones(len(self.ids), dtype=bool)
        for lexeme, bits in kept.items():
            if bits is None:
                bits = np.packbits(self.mask_of(read[lexeme]))
                self.lexemes.put(lexeme, bits)
            mask &= np.unpackbits(bits, count=len(self.ids)).astype(bool)
        return mask


def _offerings_with(lexemes: list[str]) -> dict[str, list[int]]:
    """The published offerings whose search document holds each of ``lexemes`` (as
    stored: no stemming again): one query (an array of ids per lexeme), none for
    no lexeme.

    The lexeme is a subquery's value: PostgreSQL's planner, which reads a
    constant's share of the catalog in its statistics, would read a word in many
    offerings by matching every row's document (the whole table), 2-3 times the
    cost of reading the rows the search index names for it; not knowing the
    value, it always asks the index."""
    if not lexemes:
        return {}
    holding = [
        published_offerings()
        .filter(
            RawSQL(  # noqa: S611  # nosec B611 - model metadata; lexeme bound
                f'"{Offering._meta.db_table}"."search_vector" '
                "@@ (SELECT quote_literal(%s)::tsquery)",
                (lexeme,),
                output_field=BooleanField(),
            )
        )
        .order_by()
        .values_list("pk")
        .query.sql_with_params()
        for lexeme in lexemes
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f"ARRAY({sql})" for sql, _params in holding),
            [value for _sql, params in holding for value in params],
        )
        return dict(zip(lexemes, cursor.fetchone(), strict=True))


def authorization_age_case() -> Case:
    """Each offering's bucket of :data:`catalog.fedramp.AUTHORIZATION_AGES` today;
    :func:`catalog.fedramp.authorization_age` is the same rule in Python."""
    one_year_ago, three_years_ago = age_boundaries(timezone.localdate())
    buckets = {
        UNDER_1: Q(fedramp_authorized_on__gt=one_year_ago),
        ONE_TO_3: Q(
            fedramp_authorized_on__gt=three_years_ago,
            fedramp_authorized_on__lte=one_year_ago,
        ),
        OVER_3: Q(fedramp_authorized_on__lte=three_years_ago),
        NONE: Q(fedramp_authorized_on__isnull=True),
    }
    return Case(
        *[When(buckets[value], then=Value(value)) for value, _ in AUTHORIZATION_AGES],
        output_field=CharField(),
    )


def build() -> FacetIndex:
    """Read the index from the database: four queries."""
    has_report = Case(
        When(accessibility_report_date__isnull=False, then=Value("yes")),
        default=Value("no"),
        output_field=CharField(),
    )
    rows = (
        published_offerings()
        .annotate(
            has_report=has_report,
            authorization_age=authorization_age_case(),
            upper_name=Upper("name"),
        )
        .order_by("name", "pk")
        .values_list(
            "pk",
            "covered_count",
            "capability_count",
            "updated_at",
            *COLUMNS.values(),
            "provider_id",
            "upper_name",
            "name",
            "provider__name",
        )
    )
    # Read a chunk at a time into compact arrays: the rows are never all held at
    # once (they were most of a web worker's peak memory at 20,000 offerings).
    pks, covered, capabilities, updated, providers = (array("q") for _ in range(5))
    columns = {name: _Codes() for name in COLUMNS}
    names = []
    words = NameWordsBuilder()
    for row in rows.iterator(chunk_size=BUILD_CHUNK):
        pks.append(row[0])
        covered.append(row[1])
        capabilities.append(row[2])
        updated.append((row[3] - EPOCH) // MICROSECOND)
        for i, column in enumerate(columns.values(), start=4):
            column.add(row[i])
        providers.append(row[-4])
        names.append(row[-3].encode())
        words.add(row[-2], row[-4], row[-1])
    ids = np.frombuffer(pks, dtype=np.int64).copy()
    covered_counts = np.frombuffer(covered, dtype=np.int64).astype(np.float64)
    capability_counts = np.frombuffer(capabilities, dtype=np.int64).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(
            capability_counts == 0,
            0.0,
            covered_counts * 100.0 / capability_counts,
        )
    codes, values = {}, {}
    for name, column in columns.items():
        codes[name], values[name] = column.result()
    upper_names = np.array(names, dtype=bytes)
    size = len(ids)
    del names
    position = {int(pk): i for i, pk in enumerate(ids)}
    published = published_offerings().values("pk")
    functions, function_codes = _membership(
        OfferingFunction.objects.filter(offering__in=published)
        .values_list("offering_id", "function_code")
        .iterator(chunk_size=BUILD_CHUNK),
        position,
        size,
    )
    vehicles, vehicle_slugs = _membership(
        Offering.contract_vehicles.through.objects.filter(offering__in=published)
        .values_list("offering_id", F("contractvehicle__slug"))
        .iterator(chunk_size=BUILD_CHUNK),
        position,
        size,
    )
    exchanges, exchange_systems = _membership(
        ItemClaim.objects.filter(
            offering__in=published,
            kind=ItemKind.EXCHANGE,
            level__in=COVERED_LEVELS,
        )
        .values_list("offering_id", F("exchange__system__name"))
        .distinct()
        .iterator(chunk_size=BUILD_CHUNK),
        position,
        size,
    )
    return FacetIndex(
        ids=ids,
        coverage=coverage,
        updated=np.frombuffer(updated, dtype=np.int64).copy(),
        codes=codes,
        values=values,
        functions=functions,
        function_codes=function_codes,
        vehicles=vehicles,
        vehicle_slugs=vehicle_slugs,
        exchanges=exchanges,
        exchange_systems=exchange_systems,
        upper_names=upper_names,
        providers=np.frombuffer(providers, dtype=np.int64).copy(),
        name_words=words.result(ids),
    )


# What a process keeps per catalog version (and day): the index, and the search's
# choices (catalog.selectors.search.search_choices), by name, under the database,
# the catalog version and the day.
VersionKey = tuple[str, int, int]
_kept: dict[VersionKey, dict[str, Any]] = {}
_lock = threading.Lock()

T = TypeVar("T")


def catalog_version() -> VersionKey | None:
    """The key of the current catalog version (one query), under which
    :func:`kept_per_version` keeps values; ``None`` when nothing is kept: with
    ``CATALOG_FACET_INDEX_KEEP`` off, or inside a transaction (the version may
    yet roll back with what it saw). Read once, it serves every value a request
    keeps."""
    if not settings.CATALOG_FACET_INDEX_KEEP or connection.in_atomic_block:
        return None
    # The day too: the FedRAMP authorization-age buckets move with the date.
    return (
        connection.settings_dict["NAME"],
        pagecache.version(SCOPE),
        timezone.localdate().toordinal(),
    )


READ_VERSION: Any = object()  # kept_per_version's default: read the version


def kept_per_version(
    name: str, read: Callable[[], T], version: Any = READ_VERSION
) -> T:
    """``read()``, kept by this process for the current catalog version: one query
    (the version) when it has it already, none when given the ``version``
    (:func:`catalog_version`) read for this request. Read afresh when nothing is
    kept."""
    key = catalog_version() if version is READ_VERSION else version
    if key is None:
        return read()
    values = _kept.get(key)
    if values is None or name not in values:
        with _lock:  # one read per process and version, whatever the threads
            values = _kept.get(key)
            if values is None:
                _kept.clear()
                values = _kept[key] = {}
            if name not in values:
                values[name] = read()
                # The rows read for it are freed: their pages go back to the
                # system, not kept at the read's peak (marketplace.memory).
                memory.release_free_memory()
    return values[name]


K = TypeVar("K")


class Recent(Generic[K, T]):
    """The values last read for at most ``size`` keys (thread-safe): what a search
    read for its text, kept with the catalog version it was read at
    (:func:`kept_per_version`), so the next page, sort or facet choice of the
    same words does not read it again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[K, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, read: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = read()
        self.put(key, value)
        return value

    def kept(self, key: K) -> T | None:
        """The value kept for ``key``, or ``None``."""
        with self._lock:
            if key not in self._values:
                return None
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: K, value: T) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)


def packed_relevance(relevance: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """A query's relevance as :attr:`FacetIndex.relevance` keeps it: ids and figures
    as two arrays, a sixth of a dict's memory; the database's doubles unchanged."""
    ids = np.fromiter(relevance.keys(), dtype=np.int64, count=len(relevance))
    return ids, np.fromiter(relevance.values(), dtype=np.float64, count=len(ids))


def unpacked_relevance(packed: tuple[np.ndarray, np.ndarray] | None) -> dict:
    ids, figures = packed if packed is not None else (np.empty(0), np.empty(0))
    return dict(zip(ids.tolist(), figures.tolist(), strict=True))


def facet_index(version: Any = READ_VERSION) -> FacetIndex:
    """The index of the current catalog version: one query (the version) when this
    process has it already, none given the ``version`` (:func:`catalog_version`)."""
    return kept_per_version("index", build, version)
