"""Route table of market research rounds: the agency's round pages (agency users
and brokers read; brokers extend and cancel; the agency decides) and the
provider's requests (provider users only, their own invitations)."""

from marketplace.roles import Role
from tests.access import NOT_ALLOWED, Route, only
from tests.brokering.rounds import (
    active_need,
    offering_with_claims,
    open_round,
    pass_due_date,
)
from tests.catalog.workflow_helpers import pdf_bytes, upload

READERS = (Role.AGENCY, Role.BROKER, Role.ADMIN)


def build_world(world) -> None:
    from brokering.rounds import decisions, services

    agency_user = world.users[Role.AGENCY]
    provider_user = world.users[Role.PROVIDER]
    need = active_need(agency_user.agency, title="Walked round need")
    offering = offering_with_claims(need, provider_user.provider, [])
    world.round = open_round(need, agency_user, [offering])
    world.invitation = world.round.invitations.get()
    services.response_save(
        invitation_id=world.invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers={
            need.items.first().pk: services.AnswerInput(
                level="meets", upload=upload("walked.pdf", pdf_bytes())
            )
        },
    )
    world.evidence = world.invitation.documents.get()
    world.question = services.question_ask(
        invitation_id=world.invitation.pk, user=provider_user, text="Walked?"
    )
    decided = open_round(need, agency_user, [offering])
    pass_due_date(decided)
    services.round_close(round_id=decided.pk)
    decisions.round_decide(
        round_id=decided.pk, decided_by=agency_user, recommended=[], reason="Walked."
    )
    world.decided = decided
    world.round_need = need


def need(world) -> dict:
    return {"need_id": world.round_need.pk}


def round(world) -> dict:
    return {"round_id": world.round.pk}


ROUTES = [
    Route("brokering:need-rounds", only(*READERS), need),
    Route("brokering:round-open", only(*READERS), need),
    Route("brokering:round-detail", only(*READERS), round),
    Route(
        "brokering:round-response",
        only(*READERS),
        lambda w: {**round(w), "invitation_id": w.invitation.pk},
    ),
    Route(
        "brokering:round-evidence",
        only(*READERS),
        lambda w: {**round(w), "document_id": w.evidence.pk},
    ),
    Route(
        "brokering:round-question-reply",
        only(*READERS, outcome=NOT_ALLOWED),
        lambda w: {**round(w), "question_id": w.question.pk},
    ),
    Route(
        "brokering:round-extend",
        only(Role.BROKER, Role.ADMIN, outcome=NOT_ALLOWED),
        round,
    ),
    Route(
        "brokering:round-cancel",
        only(Role.BROKER, Role.ADMIN, outcome=NOT_ALLOWED),
        round,
    ),
    Route("brokering:round-decide", only(*READERS, outcome=NOT_ALLOWED), round),
    Route(
        "brokering:round-package",
        only(*READERS),
        lambda w: {"round_id": w.decided.pk},
    ),
    Route("requests:request-list", only(Role.PROVIDER)),
    Route(
        "requests:request-detail",
        only(Role.PROVIDER),
        lambda w: {"invitation_id": w.invitation.pk},
    ),
    Route(
        "requests:request-evidence",
        only(Role.PROVIDER),
        lambda w: {"invitation_id": w.invitation.pk, "document_id": w.evidence.pk},
    ),
    Route(
        "requests:request-workbook",
        only(Role.PROVIDER),
        lambda w: {"invitation_id": w.invitation.pk},
    ),
    Route(
        "requests:request-workbook-file",
        only(Role.PROVIDER),
        lambda w: {"invitation_id": w.invitation.pk},
    ),
    Route(
        "requests:request-question",
        only(Role.PROVIDER, outcome=NOT_ALLOWED),
        lambda w: {"invitation_id": w.invitation.pk},
    ),
]
