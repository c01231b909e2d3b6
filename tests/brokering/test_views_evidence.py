"""The match explanation and the fit-gap report link the offering's evidence documents
(title, type, size, upload date) where its claims are shown, and the links download for
the need's agency and for brokers (issue #14: evidence was unreachable)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from brokering import services
from brokering.models import Match, MatchStatus, NeedStatus
from catalog.models import ClaimLevel
from tests.catalog.workflow_helpers import attach_pdf, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def evidenced(agency, make_need, make_offering, capabilities):
    offering = make_offering(
        [(c, ClaimLevel.MEETS) for c in capabilities], name="Evidenced Ledger"
    )
    document = attach_pdf(offering, "SOC 1 Type II report", "soc1.pdf")
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    match = Match.objects.get(need=need)
    services.match_decide(
        match_id=match.pk, status=MatchStatus.SHORTLISTED, note="", decided_by=None
    )
    return need, match, document


@pytest.mark.parametrize("who", ["agency_user", "broker"])
@pytest.mark.parametrize("page", ["match-detail", "need-report"])
def test_evidence_documents_are_linked_where_claims_are_shown(
    request, client_for, evidenced, who, page
):
    need, match, document = evidenced
    client = client_for(request.getfixturevalue(who))
    args = [need.pk, match.pk] if page == "match-detail" else [need.pk]
    html = client.get(reverse(f"brokering:{page}", args=args)).text
    download = reverse("provider:document-download", args=[document.pk])
    assert f'<a href="{download}">SOC 1 Type II report</a>' in html
    uploaded = timezone.localdate(document.uploaded_at).isoformat()
    assert f"(PDF, {len(pdf_bytes())}\xa0bytes, uploaded {uploaded})" in html
    assert "Evidence documents of Evidenced Ledger" in html
    answer = client.get(download)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == pdf_bytes()


def test_fit_gap_report_reads_documents_in_one_query(
    client_for,
    agency_user,
    evidenced,
    make_offering,
    capabilities,
    django_assert_num_queries,
):
    need, _, _ = evidenced
    for n in range(3):
        other = make_offering([(capabilities[0], ClaimLevel.MEETS)], slug=f"o-{n}")
        attach_pdf(other, f"Report {n}", f"r{n}.pdf")
    services.matches_refresh_for_need(need_id=need.pk)
    for match in Match.objects.filter(need=need, status=MatchStatus.PROPOSED):
        services.match_decide(
            match_id=match.pk, status=MatchStatus.SHORTLISTED, note="", decided_by=None
        )
    client = client_for(agency_user)
    url = reverse("brokering:need-report", args=[need.pk])
    client.get(url)
    # Fixed whatever the number of offerings: 8 as before the item kinds, plus the
    # release's items other than capabilities (read once, for the scores and the
    # statements alike) and the other kinds' claims, less one: the need's items
    # are read once, for the spec, the statements and the items awaiting the
    # provider's answer alike; the need is read once (its spec is built from the
    # page's need) and the claims' freshness (#19) takes the evidence expiries
    # from the documents the page reads anyway.
    with django_assert_num_queries(9):
        html = client.get(url).text
    assert html.count("Evidence documents of ") == 4
