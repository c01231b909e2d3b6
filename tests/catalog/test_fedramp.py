"""FedRAMP detail on offerings (#19): the package ID's format, the Marketplace link
built in one place, the authorization-only fields, the authorization-age facet, and
the detail on the offering page, compare export and API."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from catalog import fedramp
from catalog.forms import offering_search
from catalog.models import Offering
from catalog.provider.forms import OfferingDetailsForm
from tests.catalog.factories import OfferingFactory
from tests.catalog.workflow_helpers import standards_tree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["F1603047866", "FR2102031769"])
def test_package_ids_as_the_marketplace_writes_them_are_accepted(value):
    fedramp.package_id_validator(value)
    assert fedramp.marketplace_url(value) == (
        f"https://marketplace.fedramp.gov/products/{value}"
    )


@pytest.mark.parametrize(
    "value",
    [
        "F160304786",
        "F16030478661",
        "f1603047866",
        "FX1603047866",
        "1603047866",
        "F160304786A",
        " F1603047866",
        "F1603047866\n",
        "FRR1603047866",
    ],
)
def test_anything_else_is_refused_and_gets_no_link(value):
    with pytest.raises(ValidationError):
        fedramp.package_id_validator(value)
    assert fedramp.marketplace_url(value) == ""


def test_the_offering_reads_its_link_from_the_one_builder():
    offering = Offering(fedramp_package_id="F1305072116")
    assert offering.fedramp_marketplace_url == fedramp.marketplace_url("F1305072116")
    assert Offering().fedramp_marketplace_url is None


@pytest.mark.parametrize(
    "authorized_on, bucket",
    [
        (None, fedramp.NONE),
        (datetime.date(2026, 12, 7), fedramp.UNDER_1),
        (datetime.date(2025, 12, 8), fedramp.UNDER_1),
        (datetime.date(2025, 12, 7), fedramp.ONE_TO_3),
        (datetime.date(2023, 12, 8), fedramp.ONE_TO_3),
        (datetime.date(2023, 12, 7), fedramp.OVER_3),
        (datetime.date(2001, 1, 1), fedramp.OVER_3),
    ],
)
def test_authorization_age_buckets_at_their_boundaries(authorized_on, bucket):
    assert (
        fedramp.authorization_age(authorized_on, datetime.date(2026, 12, 7)) == bucket
    )


def test_a_leap_day_has_a_year_before_it():
    assert fedramp.age_boundaries(datetime.date(2028, 2, 29)) == (
        datetime.date(2027, 2, 28),
        datetime.date(2025, 2, 28),
    )


@pytest.mark.parametrize(
    "value, code",
    [
        (["DOE", "doe "], "duplicate"),
        (["Line\nbreak"], "line_break"),
        (["x" * 121], "too_long"),
        ([" "], "empty"),
        (["A"] * 201, "too_many"),
        ("DOE", "not_a_list"),
    ],
)
def test_ato_agency_lists_are_checked(value, code):
    with pytest.raises(ValidationError) as raised:
        fedramp.validate_ato_agencies(value)
    assert raised.value.code == code


DETAILS = {
    "name": "Ledger Cloud",
    "summary": "A cloud general ledger.",
    "category": "core-fs-saas",
    "deployment_model": "saas",
    "fedramp_status": "authorized",
    "fedramp_impact": "moderate",
    "pricing_model": "subscription",
    "fedramp_package_id": " f1603047866 ",
    "fedramp_authorized_on": "2024-05-01",
    "fedramp_ato_agencies": "Department of Energy\n\nDepartment of the Interior",
}


def test_the_provider_form_takes_fedramp_detail():
    form = OfferingDetailsForm(data=DETAILS, instance=Offering())
    assert form.is_valid(), form.errors
    fields = form.service_fields()
    assert fields["fedramp_package_id"] == "F1603047866"
    assert fields["fedramp_authorized_on"] == datetime.date(2024, 5, 1)
    assert fields["fedramp_ato_agencies"] == [
        "Department of Energy",
        "Department of the Interior",
    ]


def test_authorization_detail_needs_an_authorized_status():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {**DETAILS, "fedramp_status": "in-process"}
    form = OfferingDetailsForm(data=data, instance=Offering())
    assert set(form.errors) == {"fedramp_authorized_on", "fedramp_ato_agencies"}
    data = {**DETAILS, "fedramp_status": "not-applicable", "fedramp_impact": ""}
    form = OfferingDetailsForm(data=data, instance=Offering())
    assert "fedramp_package_id" in form.errors
    form = OfferingDetailsForm(
        data={**DETAILS, "fedramp_authorized_on": tomorrow.isoformat()},
        instance=Offering(),
    )
    assert "cannot be in the future" in str(form.errors["fedramp_authorized_on"])
    form = OfferingDetailsForm(
        data={**DETAILS, "fedramp_package_id": "FedRAMP-1"}, instance=Offering()
    )
    assert "F or FR followed by ten digits" in str(form.errors["fedramp_package_id"])


@pytest.fixture
def authorized_offerings():
    release, _capabilities = standards_tree(functions=1, per_activity=1)
    today = timezone.localdate()
    ages = {
        "fresh": today - datetime.timedelta(days=30),
        "middle": today - datetime.timedelta(days=800),
        "old": today - datetime.timedelta(days=2000),
        "undated": None,
    }
    return {
        slug: OfferingFactory(
            slug=slug,
            release=release,
            fedramp_authorized_on=day,
            fedramp_package_id="F1603047866" if slug == "fresh" else "",
            fedramp_ato_agencies=["Department of Energy"] if day else [],
        )
        for slug, day in ages.items()
    }


def test_the_catalog_facet_counts_and_filters_by_authorization_age(
    authorized_offerings,
):
    search = offering_search({"authorized": ["under-1", "over-3"]})
    assert {o.slug for o in search.queryset} == {"fresh", "old"}
    facet = next(f for f in search.facets if f.name == "authorized")
    assert {v.value: v.count for v in facet.values} == {
        "under-1": 1,
        "1-3": 1,
        "over-3": 1,
        "none": 1,
    }


def test_an_unknown_age_is_a_clear_400(client, authorized_offerings):
    response = client.get(reverse("catalog:offering-list"), {"authorized": "ancient"})
    assert response.status_code == 400
    assert "is not a FedRAMP authorization age" in response.content.decode()


def test_the_offering_page_links_the_marketplace_listing(client, authorized_offerings):
    html = client.get(reverse("catalog:offering-detail", args=["fresh"])).content
    page = html.decode()
    assert "F1603047866" in page
    assert 'href="https://marketplace.fedramp.gov/products/F1603047866"' in page
    assert "Department of Energy" in page


def test_the_compare_export_and_the_api_carry_the_detail(client, authorized_offerings):
    response = client.get(
        reverse("catalog:compare-csv"), {"offering": ["fresh", "undated"]}
    )
    rows = {row[1]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["fedramp_package_id"][4:] == ["F1603047866", "None"]
    assert rows["fedramp_marketplace_url"][4] == fedramp.marketplace_url("F1603047866")
    assert rows["fedramp_ato_agencies"][4:] == ["Department of Energy", "None listed"]
    data = client.get(reverse("api:offering-detail", args=["fresh"])).json()
    assert data["fedramp_package_id"] == "F1603047866"
    assert data["fedramp_marketplace_url"].endswith("/products/F1603047866")
    assert data["fedramp_ato_agencies"] == ["Department of Energy"]
    assert data["fedramp_authorized_on"] == (
        authorized_offerings["fresh"].fedramp_authorized_on.isoformat()
    )
