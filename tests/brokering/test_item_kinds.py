"""Needs of every kind: capabilities, service measures, information exchanges,
pre-built reports and agency-specific requirements, scored with the one formula."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokering import scoring, selectors
from brokering.models import ItemKind, NeedItem, Priority
from brokering.scoring import inputs as engine
from catalog.models import Claim, ClaimLevel, ClaimVector, ItemClaim, OfferingStatus
from catalog.services.claims import (
    ClaimInput,
    ClaimRefused,
    ItemClaimInput,
    claims_copy,
    claims_save,
)
from standards.items import item_keys_in_order, release_items
from standards.models import ReleaseStatus
from tests.brokering.kinds import (
    GO_LIVE,
    claim,
    mixed_need,
    mixed_release,
    save_claims,
)
from tests.catalog.factories import OfferingFactory

LEVELS = [None, *ClaimLevel.values]


@pytest.fixture
def data(db):
    return mixed_release()


def reference(need, offerings) -> list[scoring.Result]:
    spec = selectors.need_spec(need=need)
    claims = selectors.offering_claims(offering_ids=[o.pk for o in offerings])
    specs = [
        selectors.offering_spec(
            offering=o, claims=[c for c in claims if c.offering_id == o.pk]
        )
        for o in sorted(offerings, key=lambda o: o.pk)
    ]
    return scoring.score_all(spec, specs)


def test_the_item_space_lists_every_kind_in_vector_order(data):
    refs = release_items(data["release"].pk)
    assert [r.code for r in refs] == [
        "FFM.010.010.011",
        "FFM.010.010.012",
        "FFM.020.010.011",
        "FFM.020.010.012",
        "FFM.010.010.0011",
        "FFM.010.010.0012",
        "FFM.020.010.0011",
        "EX-1",
        "EX-2",
        "RPT-1",
        "RPT-2",
    ]
    assert [r.function for r in refs[-4:]] == ["FFM.010"] * 2 + ["FFM.020"] * 2
    assert refs[7].label == "Treasury Offset Program: Outgoing: debts 1"
    assert [r.target_is_customers for r in refs[4:7]] == [False, True, False]
    assert item_keys_in_order(data["release"].pk) == [r.key for r in refs]


def test_hand_worked_score_over_mixed_kinds(data):
    """must capability meets 5 x 1.0; should measure configurable 3 x 0.9; must
    exchange extension 5 x 0.5 (a gap); could report roadmap before go-live
    1 x 0.25; could capability unknown 1 x 0. The customer-target measure and the
    agency's own requirement need the provider's answer: out of the sums.
    score = 100 x (5 + 2.7 + 2.5 + 0.25 + 0) / (5 + 3 + 5 + 1 + 1) = 69.67"""
    need = mixed_need(data)
    offering = OfferingFactory(release=data["release"])
    save_claims(
        [
            claim(offering, data["capabilities"][0], "meets"),
            claim(offering, data["measures"][0], "configurable"),
            claim(offering, data["measures"][1], "meets"),  # awaiting: not counted
            claim(offering, data["exchanges"][0], "extension"),
            claim(offering, data["reports"][0], "roadmap", GO_LIVE),
        ]
    )
    (result,) = reference(need, [offering])
    assert result.score == pytest.approx(1045 / 15)
    assert round(result.score, 2) == 69.67
    assert result.gaps == ("EX-1",)
    spec = selectors.need_spec(need=need)
    assert {(i.kind, i.capability) for i in spec.awaiting} == {
        ("measure", "FFM.010.010.0012"),
        ("agency", "AGY-001"),
    }
    assert [(f.function, f.weight, f.earned) for f in result.breakdown] == [
        ("FFM.010", 13, 1020),
        ("FFM.020", 2, 25),
    ]
    (fast,) = engine.score_need_against_published(need.pk)
    assert fast.result == result
    (back,) = engine.score_offering_against_active_needs(offering.pk)
    assert back.result == result


def test_a_measure_at_another_target_than_treasurys_awaits_the_answer(data):
    need = mixed_need(data)
    item = need.items.get(service_measure=data["measures"][0])
    spec = selectors.need_spec(need=need)
    assert "FFM.010.010.0011" in {i.capability for i in spec.items}
    item.target = data["measures"][0].target  # the same target: still scored
    item.save()
    assert "FFM.010.010.0011" in {
        i.capability for i in selectors.need_spec(need=need).items
    }
    item.target = ">= 99%"
    item.save()
    spec = selectors.need_spec(need=need)
    assert "FFM.010.010.0011" in {i.capability for i in spec.awaiting}
    assert "FFM.010.010.0011" not in {i.capability for i in spec.items}


def test_the_match_explanation_lists_items_awaiting_the_answer(data):
    need = mixed_need(data)
    offering = OfferingFactory(release=data["release"])
    save_claims([claim(offering, data["reports"][0], "meets")])
    from brokering.services import matches_refresh_for_need

    matches_refresh_for_need(need_id=need.pk)
    match = need.matches.get(offering=offering)
    explanation = selectors.match_explanation(match=match)
    assert [
        (a["code"], a["kind"], a["function"], a["target"], a["authority"])
        for a in explanation["awaiting"]
    ] == [
        ("AGY-001", "agency", "FFM.010", "", "Agency Records Directive 12"),
        ("FFM.010.010.0012", "measure", "FFM.010", ">= 4.5 of 5", ""),
    ]
    statements = {a["code"]: a["statement"] for a in explanation["awaiting"]}
    assert statements["AGY-001"] == "=The system keeps records for 7 years."
    lines = {line["line"].item.capability: line for line in explanation["lines"]}
    assert lines["RPT-1"]["line"].credit == 100
    assert lines["RPT-1"]["statement"] == "Report 1"


def test_the_claims_writer_writes_every_kind_and_the_vector_covers_them(data):
    offering = OfferingFactory(release=data["release"], status=OfferingStatus.DRAFT)
    changed = claims_save(
        offering=offering,
        by=None,
        claims=[
            ClaimInput(data["capabilities"][1].pk, "meets"),
            ItemClaimInput("measure", data["measures"][2].pk, "configurable"),
            ItemClaimInput("exchange", data["exchanges"][1].pk, "meets"),
            ItemClaimInput(
                "report", data["reports"][1].pk, "roadmap", datetime.date(2027, 1, 1)
            ),
        ],
    )
    assert changed == 4
    vector = ClaimVector.objects.get(offering=offering)
    assert vector.capability_count == 11
    assert list(bytes(vector.levels)) == [0, 5, 0, 0, 0, 0, 4, 0, 5, 0, 2]
    # Saving the same again writes nothing; level "" removes a claim.
    assert (
        claims_save(
            offering=offering,
            by=None,
            claims=[ItemClaimInput("exchange", data["exchanges"][1].pk, "meets")],
        )
        == 0
    )
    claims_save(
        offering=offering,
        by=None,
        claims=[ItemClaimInput("exchange", data["exchanges"][1].pk, "")],
    )
    assert not ItemClaim.objects.filter(offering=offering, kind="exchange").exists()
    # Three created, one removed: history records each.
    assert ItemClaim.history.filter(offering_id=offering.pk).count() == 4


def test_the_claims_writer_refuses_items_of_another_release_and_bad_levels(data):
    other = mixed_release("FY2098", status=ReleaseStatus.RETIRED)
    offering = OfferingFactory(release=data["release"], status=OfferingStatus.DRAFT)
    with pytest.raises(ClaimRefused, match="exchange of the offering's standards"):
        claims_save(
            offering=offering,
            by=None,
            claims=[ItemClaimInput("exchange", other["exchanges"][0].pk, "meets")],
        )
    with pytest.raises(ClaimRefused, match="roadmap claim needs a target date"):
        claims_save(
            offering=offering,
            by=None,
            claims=[ItemClaimInput("report", data["reports"][0].pk, "roadmap")],
        )
    with pytest.raises(ClaimRefused, match="No service measure with id"):
        claims_save(
            offering=offering,
            by=None,
            claims=[ItemClaimInput("measure", 10**9, "meets")],
        )
    assert not ItemClaim.objects.exists()


def test_claims_copy_carries_every_kind(data):
    source = OfferingFactory(release=data["release"], status=OfferingStatus.DRAFT)
    target = OfferingFactory(release=data["release"], status=OfferingStatus.DRAFT)
    claims_save(
        offering=source,
        by=None,
        claims=[
            ClaimInput(data["capabilities"][0].pk, "meets"),
            ItemClaimInput("report", data["reports"][0].pk, "extension"),
        ],
    )
    claims_save(
        offering=target,
        by=None,
        claims=[ItemClaimInput("exchange", data["exchanges"][0].pk, "meets")],
    )
    claims_copy(source=source, target=target, by=None)
    assert list(target.claims.values_list("capability_id", "level")) == [
        (data["capabilities"][0].pk, "meets")
    ]
    assert list(target.item_claims.values_list("kind", "report_id", "level")) == [
        ("report", data["reports"][0].pk, "extension")
    ]


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    offerings=st.lists(
        st.lists(st.sampled_from(LEVELS), min_size=11, max_size=11),
        min_size=1,
        max_size=6,
    ),
    asked=st.lists(st.sampled_from(["", *Priority.values]), min_size=11, max_size=11),
    targets=st.lists(st.sampled_from(["", ">=95%", "99%"]), min_size=3, max_size=3),
    go_live_shift=st.integers(-2, 2),
)
def test_engine_equals_the_reference_on_needs_mixing_kinds(
    data, offerings, asked, targets, go_live_shift
):
    """Random needs over the whole item space (any subset of capabilities,
    measures with Treasury's or other targets, exchanges and reports, plus an
    agency requirement) and random claims of every kind: both directions of the
    engine equal the pure scorer, ranking included."""
    release = data["release"]
    refs = release_items(release.pk)
    items = {ref.key: ref for ref in refs}
    objects = (
        {("capability", c.pk): c for c in data["capabilities"]}
        | {("measure", m.pk): m for m in data["measures"]}
        | {("exchange", e.pk): e for e in data["exchanges"]}
        | {("report", r.pk): r for r in data["reports"]}
    )
    need = mixed_need(data)
    need.items.all().delete()
    need.go_live_date = GO_LIVE + datetime.timedelta(days=go_live_shift)
    need.save()
    rows = []
    for ref, priority in zip(refs, asked, strict=True):
        if not priority:
            continue
        field = {"capability": "capability", "measure": "service_measure"}.get(
            ref.kind, ref.kind
        )
        item = NeedItem(need=need, kind=ref.kind, priority=priority)
        setattr(item, field, objects[ref.key])
        if ref.kind == "measure":
            item.target = targets[data["measures"].index(objects[ref.key])]
        rows.append(item)
    rows.append(
        NeedItem(
            need=need,
            kind=ItemKind.AGENCY,
            code="AGY-9",
            statement="Our own.",
            function=data["functions"][1],
            priority="must",
        )
    )
    NeedItem.objects.bulk_create(rows)
    need.save()
    made = []
    for levels in offerings:
        offering = OfferingFactory(release=release)
        made.append(offering)
        save_claims(
            [
                claim(
                    offering,
                    objects[key],
                    level,
                    GO_LIVE + datetime.timedelta(days=n % 3 - 1)
                    if level == "roadmap"
                    else None,
                )
                for n, (key, level) in enumerate(zip(items, levels, strict=True))
                if level is not None
            ]
        )
    try:
        expected = reference(need, made)
        scores = engine.score_need_against_published(need.pk)
        assert [s.result for s in scores] == expected
        by_offering = {r.offering: r for r in expected}
        for offering in made:
            (scored,) = engine.score_offering_against_active_needs(offering.pk)
            assert scored.result == by_offering[offering.pk]
    finally:
        ItemClaim.objects.filter(offering__in=made).delete()
        Claim.objects.filter(offering__in=made).delete()
        for offering in made:
            offering.delete()
        need.delete()


def test_fit_gap_export_and_page_group_kinds_and_mark_items_awaiting(
    data, client, agency_user
):
    from brokering import reports
    from brokering.services import match_decide, matches_refresh_for_need

    need = mixed_need(data, agency=agency_user.agency)
    offering = OfferingFactory(release=data["release"])
    save_claims([claim(offering, data["exchanges"][0], "meets")])
    matches_refresh_for_need(need_id=need.pk)
    match = need.matches.get(offering=offering)
    match_decide(match_id=match.pk, status="shortlisted", decided_by=agency_user)
    client.force_login(agency_user)
    text = client.get(f"/needs/{need.pk}/fit-gap.csv").content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].endswith(
        "item_kind,awaiting_provider_answer,freshness,unverified_credited_zero"
    )
    rows = [line.split(",")[:-2] for line in lines[1:]]  # without freshness (#19)
    assert [(r[-2], r[-1]) for r in rows].count(("agency", "yes")) == 1
    assert ("measure", "yes") in [(r[-2], r[-1]) for r in rows]
    assert ("exchange", "no") in [(r[-2], r[-1]) for r in rows]
    page = client.get(f"/needs/{need.pk}/fit-gap/").content.decode()
    assert page.count("Awaiting the provider’s answer") == 2
    assert page.index("EX-1") < page.index("RPT-1") < page.index("AGY-001")
    detail = client.get(f"/needs/{need.pk}/matches/{match.pk}/").content.decode()
    assert "Needs the provider’s answer" in detail and "AGY-001" in detail
    assert reports.FIT_GAP_COLUMNS[-4:-2] == ["item_kind", "awaiting_provider_answer"]


def test_the_wizard_steps_of_each_kind_set_items_one_by_one_or_all_at_once(
    data, client, agency_user
):
    need = mixed_need(data, agency=agency_user.agency, status="draft")
    client.force_login(agency_user)
    measures = f"/needs/{need.pk}/items/measures/"
    page = client.get(f"{measures}?function=FFM.010")
    assert page.status_code == 200
    assert "TBD by service customer" in page.content.decode()
    first, second = data["measures"][:2]
    answer = client.post(
        f"{measures}?function=FFM.010",
        {
            f"item-{first.pk}": "must",
            f"target-{first.pk}": "",
            f"item-{second.pk}": "",
            f"target-{second.pk}": "",
            "next": "1",
        },
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith("?function=FFM.020")
    kinds = dict(need.items.values_list("service_measure_id", "priority"))
    assert kinds[first.pk] == "must" and second.pk not in kinds
    # The bulk control sets every exchange of the function.
    exchanges = f"/needs/{need.pk}/items/exchanges/?function=FFM.010"
    answer = client.post(exchanges, {"set_all": "should", "review": "1"})
    assert answer["Location"] == f"/needs/{need.pk}/review/"
    assert set(
        need.items.filter(kind="exchange").values_list("exchange_id", "priority")
    ) == {(e.pk, "should") for e in data["exchanges"]}
    answer = client.post(exchanges, {"set_all": "none", "review": "1"})
    assert not need.items.filter(kind="exchange").exists()
    # Other kinds were left alone; an unknown kind is not found.
    assert need.items.filter(kind="agency").count() == 1
    assert client.get(f"/needs/{need.pk}/items/widgets/").status_code == 404


def test_the_claims_template_covers_every_kind_and_imports_them(data):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.claims_io import claims_import, template_rows, write_csv

    offering = OfferingFactory(release=data["release"], status=OfferingStatus.DRAFT)
    rows = template_rows(data["release"], offering)
    assert [row[0] for row in rows][-7:] == [
        "FFM.010.010.0011",
        "FFM.010.010.0012",
        "FFM.020.010.0011",
        "EX-1",
        "EX-2",
        "RPT-1",
        "RPT-2",
    ]
    assert rows[-4][2:4] == [
        "Information exchange",
        "Treasury Offset Program: Outgoing: debts 1",
    ]
    for row in rows:
        if row[0] in ("EX-1", "FFM.020.010.0011"):
            row[4] = "meets"
        if row[0] == "RPT-2":
            row[4], row[5] = "roadmap", datetime.date(2027, 3, 1)
    upload = SimpleUploadedFile("claims.csv", write_csv(rows))
    assert claims_import(offering=offering, by=None, upload=upload) == 3
    assert set(offering.item_claims.values_list("kind", "level", "roadmap_date")) == {
        ("exchange", "meets", None),
        ("measure", "meets", None),
        ("report", "roadmap", datetime.date(2027, 3, 1)),
    }
    # Exported again, the template reads the claims back.
    again = list(
        csv.reader(
            io.StringIO(
                write_csv(template_rows(data["release"], offering)).decode("utf-8-sig")
            )
        )
    )
    assert [r[4] for r in again if r[0] in ("EX-1", "RPT-2")] == ["meets", "roadmap"]


def test_the_catalog_offering_page_has_a_section_per_kind(data, client):
    offering = OfferingFactory(release=data["release"], slug="every-kind")
    save_claims(
        [
            claim(offering, data["exchanges"][1], "meets"),
            claim(offering, data["measures"][0], "roadmap", datetime.date(2027, 1, 1)),
        ]
    )
    page = client.get("/catalog/offerings/every-kind/").content.decode()
    for heading in ("Service measures", "Information exchanges", "Pre-built reports"):
        assert f">{heading}</h2>" in page
    assert "1 of 2 claimed." in page  # exchanges
    assert "On the roadmap (2027-01-01)" in page


def test_the_matrix_groups_kinds_and_marks_items_awaiting(data, client, agency_user):
    from brokering.services import matches_refresh_for_need

    need = mixed_need(data, agency=agency_user.agency)
    offering = OfferingFactory(release=data["release"])
    save_claims([claim(offering, data["reports"][0], "meets")])
    matches_refresh_for_need(need_id=need.pk)
    client.force_login(agency_user)
    page = client.get(f"/needs/{need.pk}/matrix/").content.decode()
    order = [page.index(code) for code in ("FFM.020.010.011", "FFM.010.010.0011")]
    assert order == sorted(order)  # capabilities before measures
    assert page.index("EX-1") < page.index("RPT-1")
    assert "Needs the provider’s answer" in page and "AGY-001" in page


def test_the_need_pages_rows_are_escaped_cut_and_put_in_their_tables(
    data, client, agency_user
):
    """The rows rendered apart (Jinja2) and put into their page after it is
    rendered (marketplace.table_rows.PageRows): in their tables, escaped, an
    awaiting item's statement cut to 25 words, no mark left over."""
    from brokering.services import match_decide, matches_refresh_for_need

    need = mixed_need(data, agency=agency_user.agency)
    need.items.filter(kind="agency").update(
        statement="<b>Keep</b> records " + " ".join(f"w{n}" for n in range(40)),
        authority='Directive <12> & "13"',
    )
    offering = OfferingFactory(release=data["release"])
    save_claims([claim(offering, data["exchanges"][0], "meets")])
    matches_refresh_for_need(need_id=need.pk)
    match = need.matches.get(offering=offering)
    match_decide(match_id=match.pk, status="shortlisted", decided_by=agency_user)
    client.force_login(agency_user)
    for url in (
        f"/needs/{need.pk}/fit-gap/",
        f"/needs/{need.pk}/matches/{match.pk}/",
        f"/needs/{need.pk}/matrix/",
    ):
        page = client.get(url).content.decode()
        assert "<!--rows-" not in page
        assert "<b>Keep</b>" not in page
        assert "&lt;b&gt;Keep&lt;/b&gt; records w0" in page
        assert "w22 …</span>" in page and "w23" not in page
        assert "<td>Directive &lt;12&gt; &amp; &#34;13&#34;</td></tr>" in page
    report = client.get(f"/needs/{need.pk}/fit-gap/").content.decode()
    table = report[report.index("<tbody>") : report.index("</tbody>")]
    assert table.count("<tr") == need.items.exclude(kind="agency").count() - 1
    assert "EX-1" in table
