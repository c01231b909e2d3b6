"""The words of the published offerings' names and of their providers' names, kept
with the facet index (issue #20): what a misspelt query is matched against.

A misspelling still finds an offering when a word of its name, or of its
provider's name, is word-similar to the query (PostgreSQL's trigram
``word_similarity(q, word)`` at least
:data:`catalog.selectors.common.TRIGRAM_THRESHOLD`). The names were matched
whole before (``name %> q``): PostgreSQL rechecked every name the trigram index
offered, 1,300-3,100 of them at 20,000 offerings for a word in many names, and
that recheck bounded a first search of its words. The catalog's names are made
of a few thousand distinct words at most, whatever the number of offerings: the
similarity is computed for those words only, and only for the ones that share
enough trigrams with the query to reach the threshold at all (counted here, in
Python, for ASCII words; the others are always asked).

A whole name could also match on a stretch of two words that neither matches
alone ("statements government" for "intragovernmental payments"); a word must
now match by itself. Otherwise the matches are the same (docs/performance.md,
finding 3NN).
"""

import re
from array import array
from dataclasses import dataclass

import numpy as np
from django.db import connection

from catalog.models.search import SEARCH_CONFIG
from catalog.selectors.common import TRIGRAM_THRESHOLD

# A word as pg_trgm splits text into words: letters and digits.
WORD = re.compile(r"[^\W_]+")
# Slack on the trigram count bound, so that a float rounding never drops a word.
EPSILON = 1e-6


def words_of(text: str) -> list[str]:
    return WORD.findall(text)


def _trigrams(word: str) -> frozenset[str] | None:
    """pg_trgm's trigrams of one ASCII word (lowercased, two spaces before it and
    one after); ``None`` for another word (the database's letters and case may
    differ from Python's: such a word is always asked)."""
    if not word.isascii():
        return None
    padded = f"  {word.lower()} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def _query_trigrams(q: str) -> frozenset[str] | None:
    """The trigrams of ``q`` as pg_trgm counts them, or ``None`` when it is not
    ASCII."""
    if not q.isascii():
        return None
    return frozenset(t for word in words_of(q) for t in _trigrams(word) or ())


@dataclass
class NameWords:
    """The distinct words of the names, each with the offerings (positions in the
    facet index) whose name or provider's name holds it."""

    words: list[str]
    trigrams: list[frozenset[str] | None]
    offsets: np.ndarray  # word i's offerings: positions[offsets[i]:offsets[i + 1]]
    positions: np.ndarray

    def candidates(self, q: str) -> list[int]:
        """The words that may be word-similar to ``q``: the similarity is at most
        the share of ``q``'s trigrams the word holds."""
        wanted = _query_trigrams(q)
        if not wanted:
            return list(range(len(self.words)))
        needed = TRIGRAM_THRESHOLD * len(wanted) - EPSILON
        return [
            i
            for i, trigrams in enumerate(self.trigrams)
            if trigrams is None or len(trigrams & wanted) >= needed
        ]

    def similar(self, q: str) -> tuple[np.ndarray, str, str]:
        """The offerings (positions) with a word similar to ``q``; PostgreSQL's text
        of ``q`` as a full-text query (``'payrol' & 'grant'``); and ``UPPER(q)``.
        One query."""
        candidates = self.candidates(q)
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
        similar = [candidates[n - 1] for n in found]
        return self.positions_of(similar), tsquery, upper_q

    def positions_of(self, words: list[int]) -> np.ndarray:
        if not words:
            return np.zeros(0, dtype=np.int32)
        return np.concatenate(
            [self.positions[self.offsets[i] : self.offsets[i + 1]] for i in words]
        )


class NameWordsBuilder:
    """Collects the words of each offering's names as the facet index is read."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}  # word -> its number, in the order first seen
        self.word_of, self.position_of = array("i"), array("i")

    def add(self, position: int, *names: str) -> None:
        for word in {word for name in names for word in words_of(name)}:
            self.word_of.append(self.number.setdefault(word, len(self.number)))
            self.position_of.append(position)

    def result(self) -> NameWords:
        word_of = np.frombuffer(self.word_of, dtype=np.int32)
        order = np.argsort(word_of, kind="stable")
        counts = np.bincount(word_of, minlength=len(self.number))
        offsets = np.zeros(len(self.number) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        words = list(self.number)
        return NameWords(
            words=words,
            trigrams=[_trigrams(word) for word in words],
            offsets=offsets,
            positions=np.frombuffer(self.position_of, dtype=np.int32)[order].copy(),
        )
