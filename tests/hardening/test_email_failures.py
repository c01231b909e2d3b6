"""Line breaks are refused in one-line fields; e-mail is background work whose failure
never undoes or fails the action that caused it."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from catalog.accounts import account_request_create
from catalog.models import ProviderAccountRequest
from catalog.provider.forms import AccountRequestForm, OfferingDetailsForm
from catalog.serializers import OfferingWriteSerializer
from marketplace.mail import MAX_RETRIES
from tests.hardening import failing_mail

pytestmark = pytest.mark.django_db

REQUEST = {
    "company_name": "Acme Ledger Inc",
    "kind": "commercial",
    "website": "acme.example.com",
    "uei": "",
    "contact_name": "Rita Moreno",
    "email": "rita@acme.example.com",
    "message": "We sell a GL.\nAnd more, on a second line.",
}


@pytest.mark.parametrize("value", ["Acme\r\nBcc: x@example.com", "Acme\nInc", "A\rB"])
def test_line_breaks_are_refused_in_one_line_fields(value):
    form = AccountRequestForm(data={**REQUEST, "company_name": value})
    assert not form.is_valid()
    assert "one line" in str(form.errors["company_name"])
    assert AccountRequestForm(data=REQUEST).is_valid()  # a multi-line message is fine
    details = OfferingDetailsForm(data={"name": value})
    details.is_valid()
    assert "one line" in str(details.errors["name"])
    serializer = OfferingWriteSerializer(data={"name": value})
    assert not serializer.is_valid()
    assert "one line" in str(serializer.errors["name"])


def test_a_line_break_in_the_account_request_page_is_a_form_error(client):
    response = client.post(
        reverse("provider:account-request"), {**REQUEST, "company_name": "A\r\nB"}
    )
    assert response.status_code == 200
    assert "line breaks are not allowed" in response.text
    assert not ProviderAccountRequest.objects.exists()


@pytest.fixture
def brokers(settings):
    settings.BROKER_NOTIFICATION_EMAILS = ["qsmo@example.gov"]


@pytest.fixture
def mail_fails(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.hardening.failing_mail.EmailBackend"
    monkeypatch.setattr(failing_mail, "attempts", 0)

    def fail(times: int):
        monkeypatch.setattr(failing_mail, "FAILURES", times)

    return fail


def test_a_mail_outage_after_commit_leaves_the_action_standing(
    client, brokers, mail_fails, caplog, django_capture_on_commit_callbacks
):
    mail_fails(100)
    with (
        caplog.at_level(logging.WARNING, logger="marketplace.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("provider:account-request"), REQUEST)
    assert response.status_code == 302
    assert ProviderAccountRequest.objects.filter(
        company_name="Acme Ledger Inc"
    ).exists()
    assert failing_mail.attempts == MAX_RETRIES + 1  # retried, then given up
    assert "failed (attempt 1 of 6)" in caplog.text
    assert "not sent" in caplog.text
    assert mail.outbox == []


def test_a_failed_send_is_retried_until_it_goes_through(
    brokers, mail_fails, django_capture_on_commit_callbacks
):
    mail_fails(2)
    with django_capture_on_commit_callbacks(execute=True):
        account_request_create(fields={**REQUEST, "website": "https://a.example"})
    assert failing_mail.attempts == 3
    assert len(mail.outbox) == 1


def test_a_subject_never_carries_a_line_break(
    brokers, django_capture_on_commit_callbacks
):
    # Written past the forms (an import, the admin, old data): still one line.
    with django_capture_on_commit_callbacks(execute=True):
        account_request_create(
            fields={**REQUEST, "company_name": "Evil\r\nBcc: x@example.com"}
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == (
        "Provider account requested: Evil Bcc: x@example.com"
    )
    assert mail.outbox[0].to == ["qsmo@example.gov"]


# ---- dates no report or roadmap can have ---------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_implausible_dates_are_refused_for_reports_and_roadmaps(day):
    from catalog.serializers import ClaimWriteSerializer

    details = OfferingDetailsForm(data={"name": "x", "accessibility_report_date": day})
    details.is_valid()
    assert "between 1990-01-01 and 2100-12-31" in str(
        details.errors["accessibility_report_date"]
    )
    claim = ClaimWriteSerializer(data={"level": "roadmap", "roadmap_date": day})
    assert not claim.is_valid()
    assert "roadmap_date" in claim.errors
    plausible = ClaimWriteSerializer(
        data={"level": "roadmap", "roadmap_date": "2027-06-30"}
    )
    plausible.is_valid()
    assert "roadmap_date" not in plausible.errors


def test_the_claims_import_refuses_a_year_one_roadmap(provider, provider_user):
    from catalog.claims_io import COLUMNS, ClaimsImportError, claims_import
    from tests.catalog.workflow_helpers import draft, standards_tree, upload

    release, capabilities = standards_tree()
    offering = draft(provider, release)
    content = (
        ",".join(COLUMNS) + f"\n{capabilities[0].code},,,,roadmap,0001-01-01,,\n"
    ).encode()
    with pytest.raises(ClaimsImportError) as raised:
        claims_import(
            offering=offering, by=provider_user, upload=upload("c.csv", content)
        )
    assert "Row 2: roadmap_date: Enter a date between 1990-01-01" in str(raised.value)
    assert not offering.claims.exists()
