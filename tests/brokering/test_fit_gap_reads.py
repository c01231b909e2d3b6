"""The fit-gap report and the explanation read the shortlisted offerings' claims
only: their queries, and what each query reads, do not grow with the catalog
(issue #20: the claims' reads were ordered by the offering's name, a join with
every offering of the catalog, so the report grew with it)."""

import re
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brokering import services
from brokering.models import Match, MatchStatus, NeedStatus
from catalog.models import ClaimLevel
from catalog.selectors import facets
from marketplace.pagecache import bump

pytestmark = pytest.mark.django_db

CLAIM_TABLES = ('FROM "catalog_claim"', 'FROM "catalog_itemclaim"')


@pytest.fixture
def shortlisted(agency, make_need, make_offering, capabilities):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    for n in range(2):
        make_offering([(c, ClaimLevel.MEETS) for c in capabilities], slug=f"s-{n}")
    services.matches_refresh_for_need(need_id=need.pk)
    for match in Match.objects.filter(need=need):
        services.match_decide(
            match_id=match.pk, status=MatchStatus.SHORTLISTED, decided_by=None
        )
    return need


def _reads(client, url: str) -> list[str]:
    client.get(url)  # what a process reads once (sessions, templates) is read
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _claims_reads(reads: list[str]) -> list[str]:
    return [sql for sql in reads if any(table in sql for table in CLAIM_TABLES)]


def test_the_fit_gap_pages_read_as_much_whatever_the_size_of_the_catalog(
    client_for, agency_user, shortlisted, make_offering, capabilities
):
    need = shortlisted
    client = client_for(agency_user)
    urls = [
        reverse("brokering:need-report", args=[need.pk]),
        reverse("brokering:need-report-download", args=[need.pk, "csv"]),
        reverse(
            "brokering:match-detail",
            args=[need.pk, Match.objects.filter(need=need).first().pk],
        ),
    ]
    before = [_reads(client, url) for url in urls]
    for n in range(6):  # the catalog grows; the shortlist does not
        make_offering([(capabilities[0], ClaimLevel.MEETS)], slug=f"more-{n}")
    services.matches_refresh_for_need(need_id=need.pk)
    after = [_reads(client, url) for url in urls]
    assert [len(reads) for reads in after] == [len(reads) for reads in before]
    # The pins: the page (also in test_views_evidence), its CSV, the explanation.
    assert [len(reads) for reads in after] == [9, 9, 11]
    # One query per kind of claim (the explanation also counts its coverage).
    assert [len(_claims_reads(reads)) for reads in after] == [2, 2, 3]
    for reads in after:
        claims = _claims_reads(reads)
        # Nothing joins the catalog's offerings: the claims are the shortlist's.
        assert not [sql for sql in claims if '"catalog_offering"' in sql]


def test_a_report_after_the_first_compiles_no_orm_query(
    client_for, agency_user, shortlisted
):
    """The need, its shortlist and their documents, its items and claims are read
    through queries compiled once (marketplace.prepared): building them through
    the ORM cost more than running them."""
    need = shortlisted
    client = client_for(agency_user)
    report = reverse("brokering:need-report", args=[need.pk])
    match = Match.objects.filter(need=need).first()
    explanation = reverse("brokering:match-detail", args=[need.pk, match.pk])
    first = [client.get(url).content for url in (report, explanation)]
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError):
        # The session, the user and the page stamps are Django's own reads.
        again = client.get(report)
    assert again.status_code == 200
    assert _produced_aside(again.content) == _produced_aside(first[0])
    assert client.get(explanation).status_code == 200


def _produced_aside(page: bytes) -> bytes:
    """The page but its "produced" time and its forms' CSRF token."""
    page = re.sub(rb"produced [^.]*\.", b"", page)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", page)


@pytest.mark.django_db(transaction=True)  # kept only outside a transaction
def test_the_release_items_are_kept_per_catalog_version(
    client_for, agency_user, shortlisted, settings, monkeypatch
):
    """A release does not change once imported: a need's pages read its items
    other than capabilities once per catalog version, as the offering page does
    (catalog.selectors.item_claims.release_other_items)."""
    settings.CATALOG_FACET_INDEX_KEEP = True
    monkeypatch.setattr(facets, "_kept", {})  # nothing of another test's database
    client = client_for(agency_user)
    url = reverse("brokering:need-report", args=[shortlisted.pk])
    first = _produced_aside(client.get(url).content)
    assert _release_read(client, url, first) is False
    bump("catalog")
    assert _release_read(client, url, first) is True


def _release_read(client, url: str, first: bytes) -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert _produced_aside(client.get(url).content) == first
    # The release's items are one union (standards.items), its kinds named i_kind.
    return any('"i_kind"' in q["sql"] for q in queries.captured_queries)
