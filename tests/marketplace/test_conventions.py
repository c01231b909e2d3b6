"""The shared conventions of issue #14, each from its one home: the date and time
format, the date input, the claim-level vocabulary and the evidence-documents
include."""

import datetime
import zoneinfo

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import timezone

from catalog.models import (
    NO_CLAIM_LABEL,
    ClaimLevel,
    DocumentKind,
    OfferingDocument,
    claim_level_label,
)
from marketplace.formats import display_date, display_datetime
from marketplace.forms import DATE_HINT, DateInputField
from tests.catalog.factories import ClaimFactory, OfferingFactory


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_dates_render_iso_and_times_carry_their_zone():
    moment = datetime.datetime(2026, 12, 7, 23, 6, tzinfo=datetime.UTC)
    day = datetime.date(2027, 3, 31)
    assert render("{{ d|date }}", d=day) == "2027-03-31"
    assert render("{{ d }}", d=day) == "2027-03-31"
    # America/New_York (settings.TIME_ZONE): 23:06 UTC is 18:06 EST.
    assert render('{{ m|date:"DATETIME_FORMAT" }}', m=moment) == "2026-12-07 18:06 EST"
    assert render("{{ m|time }}", m=moment) == "18:06 EST"
    assert display_date(day) == "2027-03-31" and display_date(None) == ""
    assert display_datetime(moment) == "2026-12-07 18:06 EST"
    with timezone.override(zoneinfo.ZoneInfo("America/Los_Angeles")):
        assert display_datetime(moment) == "2026-12-07 15:06 PST"


def test_date_input_is_iso_text_with_a_hint_that_says_so():
    field = DateInputField(label="Go-live date", help_text="After the contract award.")
    assert field.help_text == f"{DATE_HINT} After the contract award."
    assert "YYYY-MM-DD" in DATE_HINT
    html = field.widget.render("d", field.prepare_value(datetime.date(2027, 3, 31)))
    assert 'type="text"' in html and 'value="2027-03-31"' in html
    assert field.clean("2027-03-31") == datetime.date(2027, 3, 31)
    for typed in ("03/31/2027", "31.03.2027", "2027-02-30"):
        with pytest.raises(Exception) as caught:
            field.clean(typed)
        assert "YYYY-MM-DD" in str(caught.value)


@pytest.mark.django_db
def test_claim_levels_have_one_vocabulary():
    claim = ClaimFactory(level=ClaimLevel.DOES_NOT_MEET)
    assert (
        claim_level_label(None) == claim_level_label("") == NO_CLAIM_LABEL == "No claim"
    )
    assert claim_level_label("roadmap") == "On the roadmap"
    source = (
        "{% load portal %}"
        "{{ c|claim_level }}|{{ code|claim_level }}|{{ none|claim_level }}"
    )
    assert render(source, c=claim, code="meets", none=None) == (
        "Does not meet|Meets (out of the box)|No claim"
    )


@pytest.mark.django_db
def test_evidence_include_links_title_type_size_and_date(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    offering = OfferingFactory()
    document = OfferingDocument.objects.create(
        offering=offering,
        title="SOC 2 report",
        file=ContentFile(b"%PDF-1.4 test", name="soc2.pdf"),
        original_name="soc2.pdf",
        kind=DocumentKind.PDF,
        size=2048,
    )
    html = render(
        '{% include "includes/evidence_list.html" with documents=docs %}',
        docs=offering.documents.all(),
    )
    assert "<h2>Evidence documents</h2>" in html
    assert f'href="/provider/documents/{document.pk}/">SOC 2 report</a>' in html
    assert (
        "PDF, 2.0\xa0KB, uploaded "
        + timezone.localdate(document.uploaded_at).isoformat()
        in html
    )
    empty = render(
        '{% include "includes/evidence_list.html" with documents=docs'
        " no_heading=True %}",
        docs=[],
    )
    assert "No evidence documents." in empty and "<h2>" not in empty
