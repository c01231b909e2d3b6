"""Counts on the brokering pages agree with their nouns: "1 published offering",
never "1 published offerings" (issue #14)."""

import pytest
from django.urls import reverse

from brokering import services
from brokering.models import NeedStatus, ScoringRun
from catalog.models import ClaimLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_offering_need(agency, make_need, make_offering, capabilities):
    make_offering([(c, ClaimLevel.MEETS) for c in capabilities], name="Only Ledger")
    need = make_need(agency, status=NeedStatus.ACTIVE)
    run = ScoringRun.objects.create(need=need, reason="activated")
    services.scoring_run_execute(run_id=run.pk)
    return need


def test_one_offering_is_counted_in_the_singular(
    client_for, agency_user, one_offering_need
):
    client = client_for(agency_user)
    need = one_offering_need
    results = client.get(reverse("brokering:need-results", args=[need.pk])).text
    assert "against 1 published offering." in results
    assert "Showing the one offering scored." in results
    assert "1 published offerings" not in results and "all 1 offerings" not in results
    detail = client.get(reverse("brokering:need-detail", args=[need.pk])).text
    assert "1 offering scored" in detail and "1 offerings" not in detail
    matrix = client.get(reverse("brokering:need-matrix", args=[need.pk])).text
    assert "The best-ranked offering against" in matrix
    assert "1 best-ranked offerings" not in matrix


def test_many_offerings_and_capabilities_keep_the_plural(
    client_for, agency_user, one_offering_need, make_offering, capabilities
):
    need = one_offering_need
    make_offering([(capabilities[0], ClaimLevel.MEETS)], name="Second Ledger")
    services.matches_refresh_for_need(need_id=need.pk)
    client = client_for(agency_user)
    results = client.get(reverse("brokering:need-results", args=[need.pk])).text
    assert "Showing all 2 offerings scored." in results
    detail = client.get(reverse("brokering:need-detail", args=[need.pk])).text
    assert "2 of 2 capabilities" in detail


def test_import_messages_count_rows_and_capabilities(
    client_for, agency_user, agency, make_need
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    need = make_need(agency, priorities=("must",))
    client = client_for(agency_user)
    url = reverse("brokering:need-priorities-import", args=[need.pk])
    bad = client.post(
        url,
        {"file": SimpleUploadedFile("p.csv", b"capability_code,priority\nX,must\n")},
    )
    assert "Nothing was imported: 1 row needs fixing" in bad.text
    good = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "p.csv", b"capability_code,priority\nFFM.010.010.012,could\n"
            )
        },
        follow=True,
    )
    assert "1 capability added." in good.text
