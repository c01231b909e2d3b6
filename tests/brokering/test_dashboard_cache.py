"""The brokers' dashboard kept per broker and session
(``marketplace.pagecache.cached_per_session``): served from the cache on the next
request, fresh at once after any change it shows, never another broker's or
session's page, never a CSRF token the request cannot post, brokers only."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brokering.models import NeedStatus
from brokering.rounds import services
from brokering.services.needs import need_archive, need_create
from catalog.models import Claim, OfferingDocument, OfferingStatus
from catalog.services.claims import claims_verify
from catalog.workflow import offering_approve, offering_submit
from marketplace.pagecache import CSRF_PLACEHOLDER
from tests.brokering.factories import AgencyFactory, NeedFactory
from tests.brokering.rounds import (
    active_need,
    full_answers,
    offering_with_claims,
    open_round,
)
from tests.catalog.factories import (
    ClaimFactory,
    OfferingDocumentFactory,
    OfferingFactory,
    ProviderFactory,
)
from tests.marketplace.factories import UserFactory
from tests.standards.factories import CapabilityFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A page served from the cache: the session, the user, the scopes' versions.
CACHED_QUERIES = 3


@pytest.fixture(autouse=True)
def dashboard_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 60


def url() -> str:
    return reverse("dashboard:index")


def page(client) -> str:
    response = client.get(url())
    assert response.status_code == 200
    return response.content.decode()


def table(text: str, chart: str) -> dict[str, list[int]]:
    """The rows of one chart's table: label -> numbers."""
    section = text.split(f'aria-labelledby="{chart}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1]
    return {
        label: [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)]
        for label, cells in re.findall(
            r'<tr><th scope="row">([^<]*)</th>((?:<td>[^<]*</td>)*)</tr>', body
        )
    }


def without_token(text: str) -> str:
    return TOKEN.sub("", text)


def test_the_second_request_is_served_from_the_cache(
    client_for, broker, django_assert_num_queries
):
    client = client_for(broker)
    first = page(client)
    with django_assert_num_queries(CACHED_QUERIES):
        again = page(client)
    assert without_token(again) == without_token(first)
    assert CSRF_PLACEHOLDER not in again


def test_a_kept_page_builds_no_orm_query(client_for, broker, monkeypatch):
    """The session, the user and the scopes' versions are read with plain
    statements: building and compiling the ORM's three queries cost most of a kept
    page's CPU (docs/performance.md)."""
    client = client_for(broker)
    page(client)
    compiled = []
    as_sql = SQLCompiler.as_sql

    def counted(compiler, *args, **kwargs):
        compiled.append(compiler.query.model)
        return as_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    with CaptureQueriesContext(connection) as captured:
        page(client)
    assert len(captured) == CACHED_QUERIES
    assert compiled == []


def test_a_kept_page_carries_a_token_this_request_can_post(broker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(broker)
    page(client)  # kept
    # A new CSRF secret (the cookie expired or was cleared): the kept page must carry
    # a token of the new secret, not of the one it was rendered with.
    del client.cookies[settings.CSRF_COOKIE_NAME]
    text = page(client)
    token = TOKEN.search(text)[1]
    assert token != CSRF_PLACEHOLDER
    signed_out = client.post(reverse("admin:logout"), {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302  # signed out, not 403: the token is valid
    assert "_auth_user_id" not in client.session


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client)
    return len(captured)


def test_another_broker_or_session_never_gets_the_first_ones_page(client_for, broker):
    other = UserFactory(username="broker-two", first_name="Other", is_staff=True)
    first = client_for(broker)
    assert "<strong>Test</strong>" in page(first)
    assert queries(first) == CACHED_QUERIES
    theirs = client_for(other)
    assert queries(theirs) > CACHED_QUERIES  # rendered for them
    text = page(theirs)
    assert "<strong>Other</strong>" in text and "<strong>Test</strong>" not in text
    second_session = client_for(broker)
    assert queries(second_session) > CACHED_QUERIES  # rendered for this session
    assert queries(second_session) == CACHED_QUERIES


def test_non_brokers_are_refused_whatever_is_kept(client_for, broker, agency_user):
    page(client_for(broker))
    assert client_for(agency_user).get(url()).status_code == 403
    anonymous = client_for(None).get(url())
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse(settings.LOGIN_URL))


# --- every kind of change shows on the next request ---------------------------------


def test_a_need_created_or_archived_shows_at_once(client_for, broker, agency):
    client = client_for(broker)
    release = ReleaseFactory()

    def create():
        return need_create(
            agency=agency,
            created_by=broker,
            release_id=release.pk,
            title="Payroll",
            go_live_date=datetime.date(2028, 1, 1),
        )

    create()
    assert table(page(client), "needs")[agency.name] == [1, 0, 0]
    need = create()
    assert table(page(client), "needs")[agency.name] == [2, 0, 0]
    need_archive(need_id=need.pk)
    assert table(page(client), "needs")[agency.name] == [1, 0, 1]


def test_a_round_opened_and_a_response_submitted_show_at_once(
    client_for, broker, agency, provider
):
    client = client_for(broker)
    need = active_need(agency)
    offering = offering_with_claims(need, provider, ["meets"])
    assert table(page(client), "rounds") == {}
    live = open_round(need, broker, [offering])
    assert table(page(client), "rounds")[agency.name] == [1, 0, 0, 0]
    responses = table(page(client), "responses")
    assert list(responses.values()) == [[0, 0, 1]]  # submitted, draft, invited
    invitation, answering = live.invitations.get(), UserFactory(provider=provider)
    services.response_save(
        invitation_id=invitation.pk,
        user=answering,
        response=services.ResponseInput(),
        answers=full_answers(need),
    )
    assert list(table(page(client), "responses").values()) == [[0, 1, 0]]
    services.response_submit(invitation_id=invitation.pk, user=answering)
    assert list(table(page(client), "responses").values()) == [[1, 0, 0]]


def test_an_offering_submitted_and_published_shows_at_once(
    client_for, broker, provider_user
):
    client = client_for(broker)
    offering = OfferingFactory(provider=provider_user.provider, status="draft")
    ClaimFactory(offering=offering, capability=CapabilityFactory())
    assert table(page(client), "submissions")["Less than 7 days"] == [0]
    offering_submit(offering=offering, by=provider_user)
    assert table(page(client), "submissions")["Less than 7 days"] == [1]
    offering_approve(offering=offering, by=broker)
    assert table(page(client), "submissions")["Less than 7 days"] == [0]


def stale_claim() -> Claim:
    """A published claim nobody has verified for 800 days."""
    claim = ClaimFactory(
        offering=OfferingFactory(provider=ProviderFactory(name="Stale Ledgers")),
        capability=CapabilityFactory(),
    )
    Claim.objects.filter(pk=claim.pk).update(updated_at=timezone.now() - 800 * DAY)
    return claim


def test_a_claim_verified_shows_at_once(client_for, broker):
    client = client_for(broker)
    claim = stale_claim()
    assert claim.offering.status == OfferingStatus.PUBLISHED
    assert table(page(client), "claims") == {"Stale Ledgers": [1, 0]}
    claims_verify(claims=[claim], by=broker)
    assert table(page(client), "claims") == {}


def evidence(offering, expires_on: datetime.date) -> OfferingDocument:
    return OfferingDocumentFactory(
        offering=offering,
        expires_on=expires_on,
    )


def test_an_evidence_date_changed_in_the_admin_shows_at_once(client_for, broker):
    offering = OfferingFactory(provider=ProviderFactory(name="Expiring Cloud"))
    ClaimFactory(offering=offering, capability=CapabilityFactory())
    document = evidence(offering, timezone.localdate() + 30 * DAY)
    client = client_for(broker)
    assert table(page(client), "claims") == {}
    changed = client.post(
        reverse("admin:catalog_offeringdocument_change", args=[document.pk]),
        {
            "title": document.title,
            "as_of": "",
            "expires_on": (timezone.localdate() - DAY).isoformat(),
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert table(page(client), "claims") == {"Expiring Cloud": [0, 1]}


def test_evidence_expiring_overnight_shows_the_next_day(
    client_for, broker, monkeypatch, settings
):
    settings.SESSION_COOKIE_AGE = 3 * 24 * 3600  # the sign-in outlives the night
    offering = OfferingFactory(provider=ProviderFactory(name="Expiring Cloud"))
    ClaimFactory(offering=offering, capability=CapabilityFactory())
    evidence(offering, timezone.localdate())  # good until the end of today
    client = client_for(broker)
    assert table(page(client), "claims") == {}
    tomorrow = timezone.now() + DAY
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert table(page(client), "claims") == {"Expiring Cloud": [0, 1]}


def test_an_agency_renamed_by_an_operator_shows_at_once(
    client_for, broker, admin_user, agency
):
    NeedFactory(agency=agency, status=NeedStatus.DRAFT)
    client = client_for(broker)
    assert agency.name in table(page(client), "needs")
    renamed = client_for(admin_user).post(
        reverse("admin:brokering_agency_change", args=[agency.pk]),
        {"name": "Department of Renaming", "abbreviation": "DOR", "cgac_code": "903"},
    )
    assert renamed.status_code == 302, renamed.content.decode()[:2000]
    assert list(table(page(client), "needs")) == ["Department of Renaming"]


def test_the_csv_files_are_read_afresh(client_for, broker):
    """The CSV files are not kept: a change no writer announced (a row written
    directly) is in the next file while the page may still be the kept one."""
    client = client_for(broker)
    page(client)
    NeedFactory(agency=AgencyFactory(name="Direct Agency"), status=NeedStatus.ACTIVE)
    answer = client.get(reverse("dashboard:csv", args=["needs"]))
    assert "Direct Agency" in answer.content.decode("utf-8-sig")
