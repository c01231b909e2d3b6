"""Scoring, in layers that each import only the ones above them in this list:

* :mod:`~brokering.scoring.formula`: the published formula (DESIGN §5) as pure
  functions over plain data; the reference, and the values pages show;
* :mod:`~brokering.scoring.ranking`: the one ranking order (key, ORM fields, arrays);
* :mod:`~brokering.scoring.encodings`: the compact encodings of needs and of the
  published shelf, and match fingerprints;
* :mod:`~brokering.scoring.compute`: the bulk computation over the encodings, pure;
* :mod:`~brokering.scoring.inputs`: the queries that read the computation's inputs.

The package itself offers the formula and the ranking (``scoring.score``,
``scoring.rank``), as the reference the rest is tested against.
"""

from brokering.scoring.formula import (
    CONFIGURABLE,
    COULD,
    CREDITS,
    DOES_NOT_MEET,
    EXTENSION,
    GAP_BELOW,
    IMPACT_RANK,
    MEETS,
    MUST,
    ROADMAP,
    SCORING_VERSION,
    SHOULD,
    UNKNOWN,
    WEIGHTS,
    ClaimSpec,
    FunctionScore,
    Item,
    Line,
    NeedSpec,
    OfferingSpec,
    Result,
    breakdown,
    credit,
    credit_text,
    explain,
    ineligibility,
    is_gap,
    score,
    score_lines,
    weights_text,
)
from brokering.scoring.ranking import RANK_ORDER, rank, rank_key, score_all

__all__ = [
    "CONFIGURABLE",
    "COULD",
    "CREDITS",
    "DOES_NOT_MEET",
    "EXTENSION",
    "GAP_BELOW",
    "IMPACT_RANK",
    "MEETS",
    "MUST",
    "RANK_ORDER",
    "ROADMAP",
    "SCORING_VERSION",
    "SHOULD",
    "UNKNOWN",
    "WEIGHTS",
    "ClaimSpec",
    "FunctionScore",
    "Item",
    "Line",
    "NeedSpec",
    "OfferingSpec",
    "Result",
    "breakdown",
    "credit",
    "credit_text",
    "explain",
    "ineligibility",
    "is_gap",
    "rank",
    "rank_key",
    "score",
    "score_all",
    "score_lines",
    "weights_text",
]
