"""Property-based fuzzing (hypothesis) of importers and of search and filter
parameters: no uncaught exception, no partial write, a clear message for every
rejection."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.claims_io import ClaimsImportError, claims_import
from catalog.models import Claim, ClaimLevel, OfferingStatus
from standards.importers import StandardsFileError, read_csv, read_json
from tests.catalog.factories import OfferingFactory
from tests.marketplace.factories import UserFactory
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Text that looks like what people paste: codes, dates, URLs, blanks, odd Unicode,
# separators and spreadsheet formulas.
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "FFM.010.010.011",
            "FFM.010",
            "meets",
            "roadmap",
            "2027-01-01",
            "01/02/2027",
            "https://example.gov/x",
            "javascript:alert(1)",
            "=HYPERLINK(1)",
            '"',
            ",",
            "\n",
            "\x00",
            "𝔉𝔐",
        ]
    ),
)


# ---- standards importers -------------------------------------------------------------


@FUZZ
@given(text=st.text(max_size=400))
def test_the_standards_csv_reader_answers_data_or_a_clear_error(text):
    try:
        read_csv(text, "fuzz.csv")
    except StandardsFileError as error:
        assert str(error).startswith("fuzz.csv") and error.problem


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(
            ["kind", "code", "name", "statement", "function", "activity", "x", ""]
        ),
        max_size=6,
    ),
    rows=st.lists(st.lists(cells, max_size=6), max_size=5),
)
def test_the_standards_csv_reader_with_plausible_columns(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        read_csv(out.getvalue(), "fuzz.csv")
    except StandardsFileError as error:
        assert error.problem


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | cells,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["functions", "activities", "capabilities", "code", "name", "release"]
            )
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@FUZZ
@given(document=json_values)
def test_the_standards_json_reader_answers_data_or_a_clear_error(document):
    try:
        read_json(json.dumps(document), "fuzz.json")
    except StandardsFileError as error:
        assert error.problem


# ---- claims import -------------------------------------------------------------------


@pytest.fixture
def offering(db):
    release = ReleaseFactory()
    activity = ActivityFactory(
        function=FunctionFactory(release=release, code="FFM.010")
    )
    for n in (11, 12):
        CapabilityFactory(activity=activity, code=f"FFM.010.010.0{n}")
    return OfferingFactory(release=release, status=OfferingStatus.DRAFT)


CLAIM_COLUMNS = ("capability_id", "level", "roadmap_date", "evidence", "evidence_url")
claim_rows = st.lists(
    st.fixed_dictionaries(
        {
            "capability_id": st.one_of(
                cells, st.sampled_from(["FFM.010.010.011", "FFM.010.010.012"])
            ),
            "level": st.one_of(cells, st.sampled_from(ClaimLevel.values)),
            "roadmap_date": cells,
            "evidence": cells,
            "evidence_url": cells,
        }
    ),
    max_size=4,
)


@pytest.mark.django_db
@FUZZ
@given(
    rows=claim_rows,
    raw=st.binary(max_size=60),
    mode=st.sampled_from(["csv", "xlsx", "raw"]),
)
def test_claims_import_writes_all_or_nothing_with_a_message(offering, rows, raw, mode):
    if mode == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(
            out,
            fieldnames=[
                "capability_id",
                "level",
                "roadmap_date",
                "evidence",
                "evidence_url",
            ],
        )
        writer.writeheader()
        writer.writerows(rows)
        data = out.getvalue().encode()
    elif mode == "xlsx":
        columns = list(CLAIM_COLUMNS)
        data = xlsx_of([columns, *[[row[c] for c in columns] for row in rows]])
    else:
        data = raw
    before = sorted(
        Claim.objects.filter(offering=offering).values_list(
            "capability_id", "level", "evidence"
        )
    )
    suffix = "xlsx" if mode == "xlsx" else "csv"
    upload = SimpleUploadedFile(f"claims.{suffix}", data)
    try:
        claims_import(
            offering=offering,
            by=UserFactory(username="fuzzing-provider", provider=offering.provider),
            upload=upload,
        )
    except ClaimsImportError as error:
        assert error.errors and all(str(e) for e in error.errors)
        after = sorted(
            Claim.objects.filter(offering=offering).values_list(
                "capability_id", "level", "evidence"
            )
        )
        assert after == before  # nothing half-written
    except ValidationError as error:
        assert error.messages and all(error.messages)


# ---- search and filter parameters ----------------------------------------------------

PARAMETERS = [
    "q",
    "page",
    "sort",
    "order",
    "category",
    "kind",
    "provider",
    "deployment",
    "deployment_model",
    "fedramp",
    "fedramp_status",
    "impact",
    "level",
    "function",
    "release",
    "status",
    "ids",
    "offering",
    "a",
    "b",
    "from",
    "to",
    "per_page",
]
query_values = st.one_of(
    cells,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["-1", "0", "99999999999999999999", "1e9", "NaN", "%00", "'"]),
)
queries = st.lists(st.tuples(st.sampled_from(PARAMETERS), query_values), max_size=5)


@pytest.fixture
def public_pages(db):
    from django.core.management import call_command

    call_command("seed_demo", allow_production=True, stdout=io.StringIO())
    release = ReleaseFactory._meta.model.objects.get(status="current")
    return [
        reverse("catalog:offering-list"),
        reverse("catalog:compare"),
        reverse("standards:release-list"),
        reverse("standards:release-diff"),
        reverse("standards:release-detail", args=[release.name]),
        reverse("standards:capability-list", args=[release.name]),
    ]


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=queries, page=st.integers(min_value=0, max_value=5))
def test_no_search_or_filter_parameter_causes_a_server_error(public_pages, query, page):
    url = public_pages[page]
    response = Client(raise_request_exception=False).get(url, query)
    assert response.status_code < 500, (url, query)
    if response.status_code == 400:
        assert "<h1>" in response.text  # a page that says what was wrong


# ---- need priorities import (CSV and XLSX, through the page) ------------------------


def xlsx_of(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_of(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


priority_rows = st.lists(
    st.lists(
        st.one_of(
            cells,
            st.sampled_from(
                ["FFM.010.010.011", "FFM.020.010.012", "must", "could", "SHOULD"]
            ),
        ),
        min_size=0,
        max_size=3,
    ),
    max_size=5,
)


@pytest.fixture
def draft_need(agency_user, make_need):
    return make_need(agency_user.agency)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    header=st.one_of(
        st.just(["capability_code", "priority"]),
        st.lists(st.sampled_from(["capability_code", "priority", "x", ""]), max_size=3),
    ),
    rows=priority_rows,
    kind=st.sampled_from(["csv", "xlsx"]),
)
def test_the_priorities_import_writes_all_or_nothing_with_a_message(
    agency_user, draft_need, header, rows, kind
):
    from django.core.cache import cache

    cache.clear()  # the upload rate limit counts every example
    table = [header, *rows]
    content = csv_of(table) if kind == "csv" else xlsx_of(table)
    before = sorted(draft_need.items.values_list("capability_id", "priority"))
    browser = Client(raise_request_exception=False)
    browser.force_login(agency_user)
    response = browser.post(
        reverse("brokering:need-priorities-import", args=[draft_need.pk]),
        {"file": SimpleUploadedFile(f"priorities.{kind}", content)},
    )
    assert response.status_code in (400, 302), response.status_code
    after = sorted(draft_need.items.values_list("capability_id", "priority"))
    if response.status_code == 400:  # refused: the page says why, nothing written
        assert after == before
        assert "usa-error-message" in response.text or "Nothing was imported" in (
            response.text
        )


# ---- standards workbooks (XLSX) ------------------------------------------------------


def workbook_for(sheet_name: str, header: list[str], rows) -> io.BytesIO:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    sheet.append(header)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


@FUZZ
@given(data=st.data())
def test_the_standards_workbook_reader_answers_data_or_a_clear_error(data):
    from standards.importers import WORKBOOK_SHEETS, read_workbooks

    sources = {}
    for spec in WORKBOOK_SHEETS:
        headers = list(spec.columns.values())
        header = data.draw(
            st.one_of(
                st.just(headers),
                st.lists(st.sampled_from([*headers, "", "Other"]), max_size=12),
            )
        )
        sheet_name = data.draw(st.sampled_from([spec.sheet, spec.sheet.upper(), "x"]))
        rows = data.draw(
            st.lists(
                st.lists(
                    st.one_of(
                        cells,
                        st.sampled_from(["FFM.010 Payments", "FFM.010.010", "I"]),
                    ),
                    max_size=len(header) + 1,
                ),
                max_size=4,
            )
        )
        name = spec.file_glob.replace("*", "")
        sources[spec] = (name, workbook_for(sheet_name, header, rows))
    try:
        read_workbooks(sources)
    except StandardsFileError as error:
        assert error.problem and str(error)
