"""Demo data never puts invented statements in the mouth of a real organisation or of
Treasury: fictional providers, offerings and agencies, and a standards release whose
IDs cannot be mistaken for Treasury's."""

import re

import pytest

from brokering.agencies import CFO_ACT_AGENCIES
from seeding.demo import standards
from seeding.loader import load
from standards.importers import read_path

try:
    from tests.standards.workbooks import SHARED_FY2025
except FileNotFoundError:  # a clone without ../shared
    SHARED_FY2025 = None

# Real federal financial-management providers, their parents and programs, and real
# contract vehicles: none may be named by a demo provider, offering or vehicle.
REAL_NAMES = [
    "Administrative Resource Center",
    "ARC",
    "Bureau of the Fiscal Service",
    "Fiscal Service",
    "Treasury",
    "Enterprise Services Center",
    "ESC",
    "Department of Transportation",
    "DOT",
    "FAA",
    "Interior Business Center",
    "IBC",
    "Department of the Interior",
    "DOI",
    "National Finance Center",
    "NFC",
    "USDA",
    "Financial Management Services",
    "FMS",
    "Department of Agriculture",
    "FM QSMO",
    "QSMO",
    "GSA",
    "NASA",
    "SEWP",
    "Delphi",
    "Oracle",
]
REAL_DOMAINS = ["treasury.gov", "esc.gov", "doi.gov", "usda.gov", "gsa.gov", ".gov"]


def _named(text: str) -> list[str]:
    return [name for name in REAL_NAMES if re.search(rf"\b{re.escape(name)}\b", text)]


def test_no_demo_provider_offering_or_vehicle_is_named_after_a_real_one():
    catalog = load("catalog.json")
    for provider in catalog["providers"]:
        assert _named(provider["name"] + " " + provider["description"]) == [], provider
        assert not any(d in provider["website"] for d in REAL_DOMAINS), provider
        assert provider["website"].endswith(".example.com")
    for offering in catalog["offerings"]:
        assert _named(offering["name"] + " " + offering["slug"]) == [], offering
        # Descriptions may name Treasury's programs (a product that files GTAS
        # reports), never a real provider.
        text = offering["summary"] + " " + offering["description"]
        assert set(_named(text)) <= {"Treasury"}, offering["slug"]
    for name in catalog["vehicles"].values():
        assert _named(name) == [], name


def test_demo_customers_and_agencies_are_fictional():
    people = load("people.json")
    demo_agencies = {a["abbreviation"] for a in people["agencies"]}
    real = {abbreviation for _name, abbreviation, _cgac in CFO_ACT_AGENCIES}
    real_names = {name for name, _abbreviation, _cgac in CFO_ACT_AGENCIES}
    real_codes = {cgac for _name, _abbreviation, cgac in CFO_ACT_AGENCIES}
    assert not demo_agencies & real
    assert not {a["name"] for a in people["agencies"]} & real_names
    assert not {a["cgac_code"] for a in people["agencies"]} & real_codes
    generic = {"small agencies", "commissions and boards", "many payroll customers"}
    for offering in load("catalog.json")["offerings"]:
        assert set(offering["agencies"]) <= demo_agencies | generic, offering["slug"]
    agency_users = [u for u in people["users"] if "agency" in u]
    assert {u["agency"] for u in agency_users} <= demo_agencies
    assert len({u["agency"] for u in agency_users}) == 2


def test_the_demo_release_says_it_is_an_illustration():
    document = load("standards_release.json")
    release = document["release"]
    assert release["name"] == standards.DEMO_RELEASE
    assert "ILLUSTRATION" in release["name"]
    assert "not Treasury's" in release["notes"]
    assert "Treasury publishes" not in release["notes"]
    codes = _codes(read_path(standards.DEMO_FILE))
    assert codes and all(code.startswith("DEMO.") for code in codes)


def _codes(data) -> set[str]:
    return (
        {f["code"] for f in data.functions}
        | {a["code"] for a in data.activities}
        | {c["code"] for c in data.capabilities}
        | {m["code"] for m in data.service_measures}
    )


def test_the_demo_ids_differ_from_every_fy2025_id():
    """Checked against Treasury's FY2025 workbooks (../shared)."""
    if SHARED_FY2025 is None:
        pytest.skip("Treasury's FY2025 workbooks are not here")
    demo = _codes(read_path(standards.DEMO_FILE))
    fy2025 = _codes(read_path(SHARED_FY2025))
    assert len(fy2025) > 200
    assert demo.isdisjoint(fy2025)


def test_the_scale_generator_names_no_real_agency_or_vehicle():
    from seeding.scale import vocabulary

    real_codes = {cgac for _name, _abbreviation, cgac in CFO_ACT_AGENCIES}
    real_abbreviations = {abbreviation for _n, abbreviation, _c in CFO_ACT_AGENCIES}
    assert len(vocabulary.AGENCIES) == len(CFO_ACT_AGENCIES)
    assert not {cgac for *_rest, cgac in vocabulary.AGENCIES} & real_codes
    assert not {a for _n, a, _c in vocabulary.AGENCIES} & real_abbreviations
    for name in vocabulary.CONTRACT_VEHICLES:
        assert _named(name) == [], name
