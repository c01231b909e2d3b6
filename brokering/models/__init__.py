"""Models of the brokering app, by subdomain:

* :mod:`~brokering.models.needs`: agencies, needs and their items, item vectors,
  scoring runs and matches, follows of a need (alerts);
* :mod:`~brokering.models.rounds`: market research rounds: invitations, the
  providers' responses and answers, questions, notices sent, and decisions.
"""

from brokering.models.needs import (
    ITEM_FIELDS,
    Agency,
    ItemKind,
    Match,
    MatchStatus,
    Need,
    NeedFollow,
    NeedItem,
    NeedStatus,
    NeedVector,
    Priority,
    RunStatus,
    ScoringRun,
)
from brokering.models.rounds import (
    Answer,
    Decision,
    Invitation,
    NoticeKind,
    Question,
    ResponseDocument,
    ResponseStatus,
    Round,
    RoundNotice,
    RoundStatus,
)

__all__ = [
    "ITEM_FIELDS",
    "Agency",
    "Answer",
    "Decision",
    "Invitation",
    "ItemKind",
    "Match",
    "MatchStatus",
    "Need",
    "NeedFollow",
    "NeedItem",
    "NeedStatus",
    "NeedVector",
    "NoticeKind",
    "Priority",
    "Question",
    "ResponseDocument",
    "ResponseStatus",
    "Round",
    "RoundNotice",
    "RoundStatus",
    "RunStatus",
    "ScoringRun",
]
