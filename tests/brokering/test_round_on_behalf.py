"""A broker acts for an agency on its rounds (opens a round on its need, records
its decision, recorded as the broker on the agency's behalf); another agency
cannot. Evidence uploaded in the response form: checked like the catalog's
evidence, its checksum recorded and carried into the decision package."""

import hashlib
import io
import json
import zipfile

import pytest
from django.test import override_settings
from django.urls import reverse

from brokering.models import Decision, ResponseDocument, RoundStatus
from brokering.rounds import decisions, package, services
from brokering.tasks import round_deadlines
from catalog.models import ClaimLevel
from tests.brokering.rounds import (
    active_need,
    offering_with_claims,
    open_round,
    pass_due_date,
)
from tests.catalog.workflow_helpers import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(agency_user, provider):
    need = active_need(agency_user.agency)
    need.offering = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    return need


def _closed(round, capture):
    pass_due_date(round)
    with capture(execute=True):
        round_deadlines()
    round.refresh_from_db()
    assert round.status == RoundStatus.CLOSED


def test_a_broker_opens_a_round_on_an_agencys_need_from_the_page(
    need, broker, client_for
):
    client = client_for(broker)
    url = reverse("brokering:round-open", args=[need.pk])
    assert "on behalf of" in client.get(url).content.decode()
    response = client.post(
        url,
        {"title": "RFI", "due_date": "2099-01-01", "offerings": [need.offering.pk]},
    )
    assert response.status_code == 302
    round = need.rounds.get()
    assert round.opened_by == broker
    page = client_for(broker).get(response["Location"]).content.decode()
    assert "by " in page


def test_another_agency_can_neither_open_nor_decide(
    need, agency_user, other_agency_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(other_agency_user)
    url = reverse("brokering:round-open", args=[need.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "x"}).status_code == 404
    with pytest.raises(services.RoundError):
        open_round(need, other_agency_user, [need.offering])
    round = open_round(need, agency_user, [need.offering])
    _closed(round, django_capture_on_commit_callbacks)
    decide = reverse("brokering:round-decide", args=[round.pk])
    assert client.post(decide, {"reason": "Mine."}).status_code == 404
    with pytest.raises(services.RoundError, match="agency or a broker"):
        decisions.round_decide(
            round_id=round.pk,
            decided_by=other_agency_user,
            recommended=[],
            reason="Mine.",
        )
    assert not Decision.objects.exists()


def test_a_broker_records_the_decision_on_the_agencys_behalf(
    need, agency_user, broker, client_for, django_capture_on_commit_callbacks
):
    round = open_round(need, agency_user, [need.offering])
    _closed(round, django_capture_on_commit_callbacks)
    client = client_for(broker)
    detail = reverse("brokering:round-detail", args=[round.pk])
    assert "as a broker, on behalf of" in client.get(detail).content.decode()
    response = client.post(
        reverse("brokering:round-decide", args=[round.pk]),
        {"recommended": [str(need.offering.pk)], "reason": "Agreed with the CFO."},
    )
    assert response.status_code == 302
    decision = Decision.objects.get(round=round)
    assert decision.decided_by == broker and decision.on_behalf
    agency = need.agency.name
    assert f"a broker, on behalf of {agency}" in client.get(detail).content.decode()
    download = client_for(agency_user).get(
        reverse("brokering:round-package", args=[round.pk])
    )
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        data = json.loads(archive.read("package.json"))
        assert f"on behalf of {agency}" in archive.read("report.html").decode()
    assert data["decision"]["on_behalf_of"] == agency


def test_the_agencys_own_decision_is_not_on_behalf(
    need, agency_user, django_capture_on_commit_callbacks
):
    round = open_round(need, agency_user, [need.offering])
    _closed(round, django_capture_on_commit_callbacks)
    decision = decisions.round_decide(
        round_id=round.pk, decided_by=agency_user, recommended=[], reason="None fit."
    )
    assert not decision.on_behalf
    assert json.loads(bytes(decision.package))["decision"]["on_behalf_of"] is None


# --- evidence uploaded with the response -----------------------------------------


def _form(need, **extra):
    data = {"timeline_months": "6", **extra}
    for item in need.items.all():
        data[f"level_{item.pk}"] = ClaimLevel.MEETS
    return data


def test_evidence_uploaded_in_the_form_is_recorded_and_in_the_package(
    need,
    agency_user,
    provider_user,
    client_for,
    django_capture_on_commit_callbacks,
):
    round = open_round(need, agency_user, [need.offering])
    invitation = round.invitations.get()
    item = need.items.order_by("id").first()
    client = client_for(provider_user)
    url = reverse("requests:request-detail", args=[invitation.pk])
    response = client.post(
        url,
        {
            **_form(need),
            f"evidence_{item.pk}": upload("soc1-report.pdf", pdf_bytes()),
            "submit": "",
        },
    )
    assert response.status_code == 302
    document = ResponseDocument.objects.get(invitation=invitation)
    assert document.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    assert document.kind == "pdf" and document.original_name == "soc1-report.pdf"
    assert invitation.answers.get(item=item).evidence == document
    page = client.get(url).content.decode()
    assert document.sha256 in page
    evidence = reverse("requests:request-evidence", args=[invitation.pk, document.pk])
    assert client.get(evidence).getvalue() == pdf_bytes()
    # A later save without a file keeps the evidence.
    client.post(url, _form(need))
    assert invitation.answers.get(item=item).evidence == document

    agency = client_for(agency_user)
    shown = agency.get(
        reverse("brokering:round-response", args=[round.pk, invitation.pk])
    ).content.decode()
    assert "soc1-report.pdf" in shown
    download = reverse("brokering:round-evidence", args=[round.pk, document.pk])
    assert agency.get(download).getvalue() == pdf_bytes()

    _closed(round, django_capture_on_commit_callbacks)
    decision = decisions.round_decide(
        round_id=round.pk, decided_by=agency_user, recommended=[], reason="Noted."
    )
    answers = json.loads(bytes(decision.package))["invited"][0]["answers"]
    uploaded = [a["evidence"] for a in answers if a["evidence"]]
    assert uploaded == [
        {
            "title": "soc1-report",
            "file_name": "soc1-report.pdf",
            "size": len(pdf_bytes()),
            "sha256": document.sha256,
        }
    ]


def test_evidence_of_another_response_is_not_found(
    need, agency_user, other_agency_user, provider_user, other_provider_user, client_for
):
    round = open_round(need, agency_user, [need.offering])
    invitation = round.invitations.get()
    item = need.items.first()
    services.response_save(
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers={item.pk: services.AnswerInput(upload=upload("a.pdf", pdf_bytes()))},
    )
    document = invitation.documents.get()
    own = reverse("requests:request-evidence", args=[invitation.pk, document.pk])
    assert client_for(other_provider_user).get(own).status_code == 404
    theirs = reverse("brokering:round-evidence", args=[round.pk, document.pk])
    assert client_for(other_agency_user).get(theirs).status_code == 404


@override_settings(EVIDENCE_MAX_BYTES=100)
def test_bad_evidence_is_refused_at_its_field_and_nothing_is_written(
    need, agency_user, provider_user, client_for
):
    round = open_round(need, agency_user, [need.offering])
    invitation = round.invitations.get()
    item = need.items.first()
    url = reverse("requests:request-detail", args=[invitation.pk])
    client = client_for(provider_user)
    for name, content, message in [
        ("picture.pdf", png_bytes(), "is not a PDF, XLSX or DOCX"),
        ("big.pdf", pdf_bytes() + b" " * 200, "at most 100 bytes"),
    ]:
        response = client.post(
            url, {**_form(need), f"evidence_{item.pk}": upload(name, content)}
        )
        assert response.status_code == 200
        assert message in str(response.context["form"].errors[f"evidence_{item.pk}"])
    assert not ResponseDocument.objects.exists()
    assert not invitation.answers.exists()
    with pytest.raises(services.RoundError, match="is not a PDF"):
        services.response_save(
            invitation_id=invitation.pk,
            user=provider_user,
            response=services.ResponseInput(),
            answers={item.pk: services.AnswerInput(upload=upload("x.pdf", b"GIF89a"))},
        )


def test_the_package_is_format_2_and_a_format_1_package_still_verifies(
    need, agency_user, broker, django_capture_on_commit_callbacks
):
    round = open_round(need, agency_user, [need.offering])
    _closed(round, django_capture_on_commit_callbacks)
    decision = decisions.round_decide(
        round_id=round.pk, decided_by=broker, recommended=[], reason="None fit."
    )
    data = json.loads(bytes(decision.package))
    assert data["format_version"] == package.FORMAT_VERSION == 2
    assert package.verify(bytes(decision.package), decision.digest) == []
    # A package frozen before version 2: no on_behalf_of, no answers' evidence.
    data["format_version"] = 1
    del data["decision"]["on_behalf_of"]
    for invited in data["invited"]:
        for answer in invited.get("answers", []):
            answer.pop("evidence", None)
    assert package.verify(package.canonical_bytes(data)) == []
