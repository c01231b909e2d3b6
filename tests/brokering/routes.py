"""Route table of the brokering pages: agency users work on their own agency's needs;
brokers (and admins) may read every need; providers and visitors get nothing.

POST-only actions are walked with GET (405 once the role is let in), so that the walk
changes nothing; their POST behaviour is tested in ``test_views.py``.
"""

from marketplace.roles import Role
from tests.access import FORBIDDEN, LOGIN, NOT_ALLOWED, OK, Route
from tests.brokering.factories import MatchFactory, NeedFactory, NeedItemFactory


def readers(outcome=OK) -> dict:
    return {
        Role.VISITOR: LOGIN,
        Role.AGENCY: outcome,
        Role.PROVIDER: FORBIDDEN,
        Role.BROKER: outcome,
        Role.ADMIN: outcome,
    }


def writers(outcome=OK) -> dict:
    return {
        Role.VISITOR: LOGIN,
        Role.AGENCY: outcome,
        Role.PROVIDER: FORBIDDEN,
        Role.BROKER: FORBIDDEN,
        Role.ADMIN: FORBIDDEN,
    }


def build_world(world) -> None:
    agency_user = world.users[Role.AGENCY]
    need = NeedFactory(agency=agency_user.agency, title="Walked need")
    NeedItemFactory(need=need)
    world.need = need
    world.match = MatchFactory(need=need)


def need(world) -> dict:
    return {"need_id": world.need.pk}


def match(world) -> dict:
    return {"need_id": world.need.pk, "match_id": world.match.pk}


ROUTES = [
    Route("brokering:need-list", readers()),
    Route("brokering:need-create", writers()),
    Route("brokering:need-detail", readers(), need),
    Route("brokering:need-edit", writers(), need),
    Route("brokering:need-functions", writers(), need),
    Route("brokering:need-priorities", writers(), need),
    Route(
        "brokering:need-kind-items",
        writers(),
        lambda w: {**need(w), "kind": "exchanges"},
    ),
    Route(
        "brokering:need-priorities-export",
        readers(),
        lambda w: {**need(w), "fmt": "csv"},
    ),
    Route("brokering:need-priorities-import", writers(), need),
    Route("brokering:need-workbook", readers(), need),
    Route("brokering:need-workbook-upload", writers(), need),
    Route("brokering:need-workbook-new", writers()),
    Route("brokering:need-review", writers(), need),
    Route("brokering:need-clone", writers(NOT_ALLOWED), need),
    Route("brokering:need-archive", writers(NOT_ALLOWED), need),
    Route("brokering:need-rescore", writers(NOT_ALLOWED), need),
    Route("brokering:need-results", readers(), need),
    Route("brokering:need-results-status", readers(), need),
    Route("brokering:need-matrix", readers(), need),
    Route("brokering:match-detail", readers(), match),
    Route("brokering:match-shortlist", writers(NOT_ALLOWED), match),
    Route("brokering:need-report", readers(), need),
    Route(
        "brokering:need-report-download",
        readers(),
        lambda w: {**need(w), "fmt": "xlsx"},
    ),
]
