"""The words of the published offerings' names and of their providers' names, kept
with the facet index (issue #20): how a misspelt query finds names without
PostgreSQL rechecking every name its trigram index offers.

A misspelling finds an offering when its name, or its provider's name, is
word-similar to the query (``word_similarity(q, name)``, pg_trgm, at least
:data:`catalog.selectors.common.TRIGRAM_THRESHOLD`). Asked as ``name %> q``,
PostgreSQL rechecked every name the trigram index offered, 1,300-3,100 of them
at 20,000 offerings for a word in many names: that recheck bounded a first
search of its words. The names are made of a few thousand distinct words at
most, whatever the number of offerings, so the similarity is asked of words:

* a name holding a word that is itself similar to the query is similar (the
  stretch of the name that is that word reaches the threshold);
* a name that holds no such word can still be similar through a stretch of
  several words ("Fatom Leger" for "Fathom Ledger"), but only if its words
  together hold at least the threshold's share of the query's trigrams (the
  similarity is at most that share): only those names are asked, by id.

Trigrams are counted here, in Python, for ASCII words, as pg_trgm makes them
(letters and digits, lowercased, two spaces before a word and one after); a
word outside ASCII is always asked, and a query outside ASCII, or of more than
:data:`MAX_TRIGRAMS` trigrams, is asked of every name as before.
"""

import re
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Value

from catalog.models import Offering, Provider
from catalog.models.search import SEARCH_CONFIG
from catalog.selectors.common import TRIGRAM_THRESHOLD, published_offerings

# A word as pg_trgm splits text into words: letters and digits.
WORD = re.compile(r"[^\W_]+")
# Slack on the trigram count bound, so that a float rounding never drops a name.
EPSILON = 1e-6
# A query's trigrams are counted as the bits of one 64-bit integer.
MAX_TRIGRAMS = 64


def _trigrams(word: str) -> frozenset[str] | None:
    """pg_trgm's trigrams of one ASCII word; ``None`` for another word (the
    database's letters and case may differ from Python's)."""
    if not word.isascii():
        return None
    padded = f"  {word.lower()} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@dataclass
class _Names:
    """The names of one kind (offerings' or providers'), each as its words."""

    words: np.ndarray  # word numbers: name 0's, then name 1's, ...
    starts: np.ndarray  # name i's words begin at words[starts[i]]
    empty: np.ndarray  # names without a word

    def any_of(self, values: np.ndarray, reduce: np.ufunc) -> np.ndarray:
        """Per name, ``reduce`` over ``values`` (one per word number) of its words
        (zero for a name without words)."""
        padded = np.append(values[self.words], values.dtype.type(0))
        reduced = reduce.reduceat(padded, self.starts)
        reduced[self.empty] = 0
        return reduced


def _names(per_name: list[list[int]]) -> _Names:
    counts = np.fromiter(map(len, per_name), np.int64, len(per_name))
    starts = np.zeros(len(per_name), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    words = np.fromiter((w for ws in per_name for w in ws), np.int32, counts.sum())
    return _Names(words=words, starts=starts, empty=counts == 0)


@dataclass
class NameWords:
    """The distinct words of the names: the offerings' names (in the facet index's
    order) and the providers' names (of ``provider_ids``)."""

    words: list[str]
    trigrams: list[frozenset[str] | None]
    offerings: _Names
    offering_ids: np.ndarray  # the facet index's ids (the same array)
    providers: _Names
    provider_ids: np.ndarray
    # The words holding each trigram, and those outside ASCII (they may hold any):
    # a query's few trigrams are looked up, not every word's set intersected.
    _holding: dict[str, np.ndarray] = field(init=False, repr=False)
    _outside_ascii: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        holding: dict[str, list[int]] = {}
        for number, trigrams in enumerate(self.trigrams):
            for trigram in trigrams or ():
                holding.setdefault(trigram, []).append(number)
        self._holding = {
            trigram: np.array(numbers, dtype=np.int64)
            for trigram, numbers in holding.items()
        }
        self._outside_ascii = np.array(
            [n for n, trigrams in enumerate(self.trigrams) if trigrams is None],
            dtype=np.int64,
        )

    def similar(self, q: str) -> tuple[np.ndarray, np.ndarray, str, str]:
        """The offerings (a mask over the index) whose name is similar to ``q``,
        the providers (ids) whose name is; PostgreSQL's text of ``q`` as a
        full-text query (``'payrol' & 'grant'``) and ``UPPER(q)``. One query, two
        when names are asked."""
        wanted = _trigrams_of(q)
        if wanted is None or not 0 < len(wanted) <= MAX_TRIGRAMS:
            return _similar_names(q, self.offering_ids)
        bit = {trigram: 1 << n for n, trigram in enumerate(sorted(wanted))}
        every = (1 << len(wanted)) - 1
        # Per word, the bits of the query's trigrams it holds.
        held = np.zeros(len(self.words), dtype=np.uint64)
        held[self._outside_ascii] = every
        for trigram, trigram_bit in bit.items():
            if trigram in self._holding:
                held[self._holding[trigram]] |= np.uint64(trigram_bit)
        needed = TRIGRAM_THRESHOLD * len(wanted) - EPSILON
        candidates = np.flatnonzero(np.bitwise_count(held) >= needed)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT websearch_to_tsquery(%s::regconfig, %s)::text, UPPER(%s), "
                "ARRAY(SELECT n FROM unnest(%s::text[]) WITH ORDINALITY AS w(word, n) "
                "WHERE word_similarity(%s, word) >= %s::float8)",
                [
                    SEARCH_CONFIG,
                    q,
                    q,
                    [self.words[i] for i in candidates],
                    q,
                    TRIGRAM_THRESHOLD,
                ],
            )
            tsquery, upper_q, found = cursor.fetchone()
        similar = np.zeros(len(self.words), dtype=bool)
        similar[candidates[np.asarray(found, dtype=np.int64) - 1]] = True
        matched = []
        asked = []
        for names in (self.offerings, self.providers):
            by_word = names.any_of(similar, np.logical_or).astype(bool)
            reachable = np.bitwise_count(names.any_of(held, np.bitwise_or)) >= needed
            matched.append(by_word)
            asked.append(np.flatnonzero(reachable & ~by_word))
        if len(asked[0]) or len(asked[1]):
            by_offering, by_provider = _asked(
                q, self.offering_ids[asked[0]], self.provider_ids[asked[1]]
            )
            matched[0] |= np.isin(self.offering_ids, by_offering)
            matched[1] |= np.isin(self.provider_ids, by_provider)
        return matched[0], self.provider_ids[matched[1]], tsquery, upper_q


def _trigrams_of(q: str) -> frozenset[str] | None:
    """The trigrams of ``q`` as pg_trgm counts them, or ``None`` outside ASCII."""
    if not q.isascii():
        return None
    return frozenset(t for word in WORD.findall(q) for t in _trigrams(word) or ())


def _asked(
    q: str, offering_ids: np.ndarray, provider_ids: np.ndarray
) -> tuple[list[int], list[int]]:
    """Of the offerings and providers of these ids, those whose name is similar to
    ``q``: one query."""
    offerings = connection.ops.quote_name(Offering._meta.db_table)
    providers = connection.ops.quote_name(Provider._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 0, id FROM {offerings} WHERE id = ANY(%s::bigint[]) "  # noqa: S608  # nosec B608 - table names from the models
            "AND word_similarity(%s, name) >= %s::float8 UNION ALL "
            f"SELECT 1, id FROM {providers} WHERE id = ANY(%s::bigint[]) "
            "AND word_similarity(%s, name) >= %s::float8",
            [
                offering_ids.tolist(),
                q,
                TRIGRAM_THRESHOLD,
                provider_ids.tolist(),
                q,
                TRIGRAM_THRESHOLD,
            ],
        )
        rows = cursor.fetchall()
    found: tuple[list[int], list[int]] = ([], [])
    for side, pk in rows:
        found[side].append(pk)
    return found


def _similar_names(
    q: str, offering_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, str, str]:
    """:meth:`NameWords.similar` asked of every name: the trigram indexes' operator
    (``name %> q``), whose threshold is a setting, set for the current transaction
    only, as is ``enable_seqscan`` (the planner prices the similarity as cheap and
    would compute it for every provider rather than ask their index). Two queries
    (three inside a caller's transaction, whose planner setting is put back)."""
    nested = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true), "
                "current_setting('enable_seqscan'), "
                "set_config('enable_seqscan', 'off', true), "
                "websearch_to_tsquery(%s::regconfig, %s)::text, UPPER(%s)",
                [str(TRIGRAM_THRESHOLD), SEARCH_CONFIG, q, q],
            )
            _threshold, scan, _off, tsquery, upper_q = cursor.fetchone()
        by_name = (
            published_offerings()
            .filter(name__trigram_word_similar=q)
            .order_by()
            .annotate(side=Value(0))
            .values_list("side", "pk")
        )
        by_provider = (
            Provider.objects.filter(name__trigram_word_similar=q)
            .order_by()
            .annotate(side=Value(1))
            .values_list("side", "pk")
        )
        similar: tuple[list[int], list[int]] = ([], [])
        for side, pk in by_name.union(by_provider, all=True):
            similar[side].append(pk)
        if nested:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [scan])
    return (
        np.isin(offering_ids, similar[0]),
        np.asarray(similar[1], dtype=np.int64),
        tsquery,
        upper_q,
    )


class NameWordsBuilder:
    """Collects the words of the offerings' names (in the index's order) and of
    their providers' names as the facet index is read."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}  # word -> its number, in the order first seen
        self.offerings: list[list[int]] = []
        self.providers: dict[int, list[int]] = {}

    def _numbers(self, name: str) -> list[int]:
        return [
            self.number.setdefault(word, len(self.number))
            for word in dict.fromkeys(WORD.findall(name))
        ]

    def add(self, name: str, provider_id: int, provider_name: str) -> None:
        self.offerings.append(self._numbers(name))
        if provider_id not in self.providers:
            self.providers[provider_id] = self._numbers(provider_name)

    def result(self, offering_ids: np.ndarray) -> NameWords:
        words = list(self.number)
        return NameWords(
            words=words,
            trigrams=[_trigrams(word) for word in words],
            offerings=_names(self.offerings),
            offering_ids=offering_ids,
            providers=_names(list(self.providers.values())),
            provider_ids=np.fromiter(self.providers, np.int64, len(self.providers)),
        )
