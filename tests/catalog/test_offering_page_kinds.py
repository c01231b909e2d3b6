"""The offering page's sections of the other kinds (service measures, information
exchanges, pre-built reports): every item of the release with the offering's claim,
its freshness and evidence, prepared once in Python and rendered by Jinja2
(autoescaped as Django's templates are), in the same queries whatever the number of
claims."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import ItemClaim, OfferingStatus
from catalog.selectors import facets
from catalog.selectors.item_claims import offering_item_claims, offering_item_tables
from catalog.services.claims import ItemClaimInput
from marketplace.pagecache import bump
from tests.brokering.kinds import mixed_release
from tests.catalog.factories import OfferingDocumentFactory, write_claims
from tests.catalog.workflow_helpers import offering_in

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def data():
    return mixed_release()


@pytest.fixture
def offering(data, provider):
    """A published offering claiming one measure (verified, with evidence and a
    link), one exchange on the roadmap and nothing else."""
    published = offering_in(
        OfferingStatus.PUBLISHED, provider, data["release"], slug="ledger-kinds"
    )
    measure, exchange = data["measures"][0], data["exchanges"][1]
    write_claims(
        published,
        [
            ItemClaimInput(
                kind="measure",
                item_id=measure.pk,
                level="meets",
                evidence="Paid <b>on time</b> & audited.",
                evidence_url="https://example.com/sla?a=1&b=2",
            ),
            ItemClaimInput(
                kind="exchange",
                item_id=exchange.pk,
                level="roadmap",
                roadmap_date=datetime.date(2027, 3, 31),
            ),
        ],
    )
    ItemClaim.objects.filter(offering=published, kind="measure").update(
        verified=True, verified_at=timezone.now()
    )
    ItemClaim.objects.filter(offering=published, kind="exchange").update(
        updated_at=timezone.now() - 400 * DAY
    )
    return published


def _section(page: str, kind: str) -> str:
    start = page.index(f'<h2 id="claims-{kind}">')
    end = page.find("<h2 ", start + 1)
    return page[start : end if end != -1 else len(page)]


def _rows(section: str) -> dict[str, str]:
    """Each row's cells as text, by the item's ID."""
    rows = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", section, re.S):
        code, rest = row.split("</th>", 1)
        cells = re.findall(r"<td>(.*?)</td>", rest, re.S)
        rows[code] = cells
    return rows


def test_each_kind_lists_every_item_with_the_offerings_claim(client, offering):
    page = client.get(offering.get_absolute_url()).content.decode()
    measures = _section(page, "measure")
    assert "1 of 3 claimed." in measures
    assert '<caption class="usa-sr-only">Claims on service measures</caption>' in (
        measures
    )
    rows = _rows(measures)
    assert list(rows) == ["FFM.010.010.0011", "FFM.010.010.0012", "FFM.020.010.0011"]
    function, description, level, fresh, evidence = rows["FFM.010.010.0011"]
    assert function == "FFM.010"
    assert description.startswith("Timely payments")
    assert (
        level == 'Meets (out of the box) <span class="usa-tag bg-green">Verified</span>'
    )
    assert fresh == '<span class="usa-tag bg-base-dark">Fresh</span>'
    # Autoescaped: the evidence's markup and the link's ampersands are text.
    assert evidence == (
        "Paid &lt;b&gt;on time&lt;/b&gt; &amp; audited. "
        '<a class="usa-link" href="https://example.com/sla?a=1&amp;b=2">Evidence'
        '<span class="usa-sr-only"> for FFM.010.010.0011</span></a>'
    )
    assert rows["FFM.010.010.0012"][1].endswith("(target: TBD by service customer)")
    assert rows["FFM.010.010.0012"][2:] == ["No claim", "", ""]
    exchanges = _rows(_section(page, "exchange"))
    assert list(exchanges) == ["EX-1", "EX-2"]
    assert exchanges["EX-2"][2:] == [
        "On the roadmap (2027-03-31)",
        '<span class="usa-tag bg-gold text-ink">Stale</span>',
        "",
    ]
    reports = _section(page, "report")
    assert "0 of 2 claimed." in reports
    assert list(_rows(reports)) == ["RPT-1", "RPT-2"]


def test_expired_evidence_marks_every_claim_of_every_kind(client, offering):
    OfferingDocumentFactory(
        offering=offering,
        expires_on=timezone.localdate() - DAY,
    )
    page = client.get(offering.get_absolute_url()).content.decode()
    expired = '<span class="usa-tag bg-secondary-dark">Evidence expired</span>'
    assert _rows(_section(page, "measure"))["FFM.010.010.0011"][3] == expired
    assert _rows(_section(page, "exchange"))["EX-2"][3] == expired


def test_the_pages_rows_say_what_the_claims_say(offering):
    """The page's rows (values) and the API's (instances) are the same items with
    the same claims."""
    tables = offering_item_tables(offering, evidence_expires_on=None)
    sections = offering_item_claims(offering)
    assert [t.kind for t in tables] == [s.kind for s in sections]
    for table, section in zip(tables, sections, strict=True):
        assert table.claimed == section.claimed
        assert [
            (row["code"], row.get("level"), row.get("roadmap_date", ""))
            for row in table.rows
        ] == [
            (
                row.ref.code,
                row.claim and row.claim.get_level_display(),
                row.claim
                and row.claim.roadmap_date
                and row.claim.roadmap_date.isoformat()
                or "",
            )
            for row in section.rows
        ]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_reads_the_other_kinds_in_two_queries(client, data, offering):
    bare = offering_in(
        OfferingStatus.PUBLISHED, offering.provider, data["release"], slug="bare"
    )
    # The same as test_offering_page's pin: 5 for the page and its capability
    # claims, 1 for the evidence documents, 2 for the other kinds (the release's
    # item space, the offering's claims on them).
    assert _queries(client, bare.get_absolute_url()) == 8
    assert _queries(client, offering.get_absolute_url()) == 8


def test_a_page_after_the_first_compiles_no_orm_query(client, data, offering):
    """Its reads are compiled once (marketplace.prepared): building them through
    the ORM cost more than running them."""
    bare = offering_in(OfferingStatus.PUBLISHED, offering.provider, data["release"])
    first = client.get(bare.get_absolute_url()).content
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError):
        page = client.get(offering.get_absolute_url())
        assert client.get(bare.get_absolute_url()).content == first
    assert page.status_code == 200
    assert "1 of 3 claimed." in _section(page.content.decode(), "measure")


@pytest.mark.django_db(transaction=True)  # kept only outside a transaction
def test_the_release_items_are_kept_per_catalog_version(
    client, data, offering, settings, monkeypatch
):
    """A release does not change once imported: its items are read once per
    catalog version, and the pages are the same."""
    settings.CATALOG_FACET_INDEX_KEEP = True
    monkeypatch.setattr(facets, "_kept", {})  # nothing of another test's database
    url = offering.get_absolute_url()
    first = client.get(url).content
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content == first
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "standards_servicemeasure" not in read
    bump("catalog")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content == first
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "standards_servicemeasure" in read
