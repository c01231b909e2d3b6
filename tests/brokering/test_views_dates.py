"""Brokering pages show dates as YYYY-MM-DD and times with their zone, the portal's
one format (marketplace.formats), and take the go-live date in that format too."""

import datetime
import re

import pytest
from django.urls import reverse

from brokering.models import NeedStatus, RunStatus, ScoringRun

pytestmark = pytest.mark.django_db

ZONED = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} E[SD]T"  # settings.TIME_ZONE: New York


def test_scored_times_carry_the_time_zone(client_for, agency_user, agency, make_need):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    finished = datetime.datetime(2026, 12, 7, 23, 6, tzinfo=datetime.UTC)
    ScoringRun.objects.create(need=need, status=RunStatus.DONE, finished_at=finished)
    client = client_for(agency_user)
    results = client.get(reverse("brokering:need-results", args=[need.pk])).text
    assert "Scored 2026-12-07 18:06 EST" in results
    detail = client.get(reverse("brokering:need-detail", args=[need.pk])).text
    assert "finished 2026-12-07 18:06 EST" in detail
    assert re.search(rf"queued {ZONED}", detail)
    assert (
        'Go-live date</dt><dd class="tablet:grid-col-8 margin-left-0">2028-01-01'
        in detail
    )
    listing = client.get(reverse("brokering:need-list")).text
    assert re.search(ZONED, listing) and "2028-01-01" in listing
    report = client.get(reverse("brokering:need-report", args=[need.pk])).text
    assert "go-live 2028-01-01" in report and re.search(rf"produced {ZONED}", report)


def test_go_live_date_is_typed_as_iso_with_the_same_hint(
    client_for, agency_user, release
):
    client = client_for(agency_user)
    page = client.get(reverse("brokering:need-create")).text
    field = re.search(r"<input[^>]*name=\"go_live_date\"[^>]*>", page).group(0)
    assert 'type="text"' in field and 'type="date"' not in field
    assert "Format: YYYY-MM-DD" in page
    refused = client.post(
        reverse("brokering:need-create"),
        {"title": "US format", "go_live_date": "10/01/2028"},
    )
    assert "Enter the date as YYYY-MM-DD" in refused.text
