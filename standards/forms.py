"""Forms of the standards pages (filters travel in the URL) and the admin upload."""

import hashlib

from django import forms

from standards.importers import (
    CAPABILITIES_SHEET,
    DATA_ELEMENTS_SHEET,
    EXCHANGES_SHEET,
    FUNCTIONS_SHEET,
    MEASURES_SHEET,
    REPORTS_SHEET,
    ReleaseData,
    StandardsFileError,
    read_workbooks,
)
from standards.models import CapabilityKind, StandardsRelease

MAX_QUERY = 200
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class CapabilityFilterForm(forms.Form):
    q = forms.CharField(
        label="Search capabilities",
        required=False,
        max_length=MAX_QUERY,
        help_text="Words from the statement, references or goal group, or an ID.",
    )
    function = forms.ChoiceField(label="Function", required=False)
    activity = forms.ChoiceField(label="Activity", required=False)
    kind = forms.ChoiceField(
        label="Input, process or output",
        required=False,
        choices=[("", "Any")] + list(CapabilityKind.choices),
    )

    def __init__(self, *args, functions=(), activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function"].choices = [("", "Any function")] + [
            (f.code, f"{f.code} {f.name}") for f in functions
        ]
        self.fields["activity"].choices = [("", "Any activity")] + [
            (a.code, f"{a.code} {a.name}") for a in activities
        ]


class ServiceMeasureFilterForm(forms.Form):
    q = forms.CharField(label="Search measures", required=False, max_length=MAX_QUERY)
    function = forms.ChoiceField(label="Function", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    type = forms.ChoiceField(label="Measure type", required=False)

    def __init__(self, *args, facets=None, **kwargs):
        super().__init__(*args, **kwargs)
        facets = facets or {}
        self.fields["function"].choices = [("", "Any function")] + [
            (code, code) for code in facets.get("functions", [])
        ]
        self.fields["category"].choices = [("", "Any category")] + [
            (value, value) for value in facets.get("categories", [])
        ]
        self.fields["type"].choices = [("", "Any type")] + [
            (value, value) for value in facets.get("types", [])
        ]


class DataElementFilterForm(forms.Form):
    q = forms.CharField(
        label="Search data elements", required=False, max_length=MAX_QUERY
    )


class DiffForm(forms.Form):
    old = forms.ModelChoiceField(
        label="Older release",
        queryset=StandardsRelease.objects.order_by("-name"),
        to_field_name="name",
    )
    new = forms.ModelChoiceField(
        label="Newer release",
        queryset=StandardsRelease.objects.order_by("-name"),
        to_field_name="name",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old") and cleaned.get("old") == cleaned.get("new"):
            self.add_error("new", "Choose two different releases to compare.")
        return cleaned


def _workbook_field(
    label: str, file_hint: str, required: bool = True
) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=f"Treasury's workbook, usually named {file_hint}."
        + ("" if required else " Optional: without it the release has none."),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )


class ReleaseUploadForm(forms.Form):
    """The admin's import: the official workbooks (exchanges and reports optional),
    validated like the command."""

    name = forms.RegexField(
        label="Release name",
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,19}$",
        help_text="For example FY2026: letters, digits, dot, dash, underscore.",
    )
    functions = _workbook_field(
        "Functions and activities", "functions_and_activities_2025.xlsx"
    )
    capabilities = _workbook_field(
        "Business capabilities", "business_capabilities_2025.xlsx"
    )
    measures = _workbook_field("Service measures", "service_measures_2025.xlsx")
    data_elements = _workbook_field(
        "Business data elements", "business_data_elements_2025.xlsx"
    )
    exchanges = _workbook_field(
        "Business information exchanges",
        "business_information_exchanges_2025.xlsx",
        required=False,
    )
    reports = _workbook_field(
        "Pre-built business reports",
        "pre_built_business_reports_release_2025.xlsx",
        required=False,
    )

    FIELDS = {
        "functions": FUNCTIONS_SHEET,
        "capabilities": CAPABILITIES_SHEET,
        "measures": MEASURES_SHEET,
        "data_elements": DATA_ELEMENTS_SHEET,
        "exchanges": EXCHANGES_SHEET,
        "reports": REPORTS_SHEET,
    }

    def clean_upload(self, field_name: str):
        upload = self.cleaned_data[field_name]
        if upload is None:
            return None  # an optional workbook left out
        if upload.size > MAX_WORKBOOK_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB.")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Upload an .xlsx workbook.")
        upload.seek(0)
        if upload.read(4) != XLSX_MAGIC:
            raise forms.ValidationError("This file is not an .xlsx workbook.")
        upload.seek(0)
        return upload

    def clean_functions(self):
        return self.clean_upload("functions")

    def clean_capabilities(self):
        return self.clean_upload("capabilities")

    def clean_measures(self):
        return self.clean_upload("measures")

    def clean_data_elements(self):
        return self.clean_upload("data_elements")

    def clean_exchanges(self):
        return self.clean_upload("exchanges")

    def clean_reports(self):
        return self.clean_upload("reports")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        uploads = {name: cleaned[name] for name in self.FIELDS if cleaned.get(name)}
        sources = {
            self.FIELDS[name]: (upload.name, upload) for name, upload in uploads.items()
        }
        try:
            data: ReleaseData = read_workbooks(sources)
        except StandardsFileError as exc:
            field_name = next(
                (n for n, upload in uploads.items() if upload.name == exc.file), None
            )
            self.add_error(field_name, str(exc))
            return cleaned
        checksums = {}
        for upload in uploads.values():
            upload.seek(0)
            checksums[upload.name] = hashlib.sha256(upload.read()).hexdigest()
        data.checksums = checksums
        cleaned["data"] = data
        return cleaned


class SearchForm(forms.Form):
    """The one search box of the exchanges, reports and change log pages."""

    q = forms.CharField(label="Search", required=False, max_length=MAX_QUERY)


class ReferenceFilterForm(forms.Form):
    q = forms.CharField(
        label="Search references",
        required=False,
        max_length=MAX_QUERY,
        help_text="Words from the name or type, or a reference number such as 19.",
    )
    type = forms.ChoiceField(
        label="Reference type",
        required=False,
        choices=[
            ("", "Any type"),
            ("authoritative", "Authoritative"),
            ("other", "Other"),
            ("data_standard", "Data Standard"),
            ("retired", "Retired"),
        ],
    )
