"""An agency user walks the need wizard through every kind of item (capabilities,
service measures with a target, information exchanges, pre-built reports; its own
requirements come from the workbook), activates it and reads a match whose
explanation lists the items awaiting the provider's answer; axe on every page."""

import pytest

from brokering.models import ItemKind, NeedItem, NeedStatus
from tests.brokering.kinds import claim, mixed_need, mixed_release, save_claims
from tests.catalog.factories import OfferingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_wizard_walks_every_kind_of_item(
    page, sign_in, agency_user, assert_accessible
):
    data = mixed_release()
    need = mixed_need(data, agency=agency_user.agency, status=NeedStatus.DRAFT)
    # The walk states the standards' kinds itself; the agency item stays.
    NeedItem.objects.filter(need=need).exclude(
        kind__in=[ItemKind.CAPABILITY, ItemKind.AGENCY]
    ).delete()
    offering = OfferingFactory(release=data["release"], name="Every Kind Ledger")
    save_claims(
        [
            claim(offering, data["capabilities"][0], "meets"),
            claim(offering, data["exchanges"][0], "meets"),
            claim(offering, data["reports"][1], "configurable"),
        ]
    )
    sign_in(agency_user)
    page.goto(f"/needs/{need.pk}/priorities/")
    assert_accessible(page)
    page.get_by_role("link", name="Service measures").click()
    assert_accessible(page)
    first, second = data["measures"][:2]
    page.get_by_label(f"Priority of {first.code}").select_option("should")
    page.get_by_label(f"Priority of {second.code}").select_option("must")
    page.get_by_label(f"Target asked for {second.code}").fill(">= 4.5 of 5")
    page.get_by_role("button", name="Save and go on").click()
    assert_accessible(page)  # measures of FFM.020
    page.get_by_role("button", name="Save and go on").click()

    assert_accessible(page)  # exchanges
    page.get_by_label("Set every item of this function to").select_option("must")
    page.get_by_role("button", name="Save and go on").click()

    assert_accessible(page)  # reports
    page.get_by_label("Priority of RPT-2").select_option("could")
    page.get_by_role("button", name="Save and review").click()

    assert_accessible(page)
    page.get_by_role("button", name="Activate and score").click()
    page.wait_for_selector(
        "text=Published offerings ranked against this need", timeout=60_000
    )
    assert_accessible(page)
    page.get_by_role("link", name="Every Kind Ledger").first.click()
    page.wait_for_selector("#explanation")
    assert_accessible(page)
    content = page.content()
    assert "Needs the provider’s answer" in content
    assert "AGY-001" in content and "EX-2" in content and "RPT-2" in content
    kinds = set(NeedItem.objects.filter(need=need).values_list("kind", flat=True))
    assert kinds == {"capability", "measure", "exchange", "report", "agency"}
