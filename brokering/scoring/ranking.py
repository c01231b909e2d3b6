"""The one ranking order of a need's offerings, in the three forms the code needs.

Eligible first, then fewest gaps, then highest score, then **lowest offering id**.
The last step breaks ties: an offering's id never changes, so the kept set the
scorer writes and the order every page, the admin and the API read agree at the
cut-off, whatever happens to names (docs/scoring.md, "Ranking").

* :func:`rank_key`: a Python sort key for anything with ``eligible``,
  ``gaps_count``, ``score`` and ``offering_id`` (a :class:`formula.Result`, a
  :class:`brokering.models.Match`);
* :data:`RANK_ORDER`: the same order as ORM ``order_by`` fields (``Match.Meta``, the
  admin, the selectors, the services' cut-off query);
* :func:`rank_rows`: the same order over arrays (the bulk computation), where the
  earned numerator stands for the score (one need: one denominator).

``tests/brokering/test_ranking.py`` checks the three agree.
"""

from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from brokering.scoring.formula import NeedSpec, OfferingSpec, Result, score


class Ranked(Protocol):
    @property
    def eligible(self) -> bool: ...
    @property
    def gaps_count(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def offering_id(self) -> Any: ...


RankedT = TypeVar("RankedT", bound=Ranked)


class Rank(NamedTuple):
    """The ranked values of one offering for one need, read from rows or arrays."""

    eligible: bool
    gaps_count: int
    score: float
    offering_id: Any


RANK_ORDER: tuple[str, ...] = ("-eligible", "gaps_count", "-score", "offering_id")


def rank_key(ranked: Ranked) -> tuple[bool, int, float, Any]:
    """Smaller ranks first."""
    return (not ranked.eligible, ranked.gaps_count, -ranked.score, ranked.offering_id)


def rank(results: Iterable[RankedT]) -> list[RankedT]:
    return sorted(results, key=rank_key)


def rank_rows(
    *,
    eligible: npt.NDArray[np.bool_],
    gaps: npt.NDArray[np.int64],
    earned: npt.NDArray[np.int64],
    offering_ids: npt.NDArray[np.int64],
) -> npt.NDArray[np.intp]:
    """Row indices in rank order, for one need's offerings as arrays."""
    order: npt.NDArray[np.intp] = np.lexsort((offering_ids, -earned, gaps, ~eligible))
    return order


def score_all(need: NeedSpec, offerings: Iterable[OfferingSpec]) -> list[Result]:
    return rank(score(need, offering) for offering in offerings)
