"""Forms of the provider portal. They parse and check input; services write."""

from django import forms
from django.conf import settings

from catalog.claims_io import MAX_UPLOAD_BYTES
from catalog.documents import ACCEPT, evidence_kind
from catalog.fedramp import validate_authorized_on
from catalog.models import (
    NO_CLAIM_LABEL,
    ClaimLevel,
    ContractVehicle,
    Offering,
    ProviderAccountRequest,
    ProviderKind,
    uei_validator,
)
from catalog.services.claims import ClaimInput, ItemClaimInput
from catalog.workflow import CONTENT_FIELDS
from marketplace.forms import DateInputField
from marketplace.validators import SingleLineFields, plausible_date

# The empty choice of an optional select says what leaving it empty means.
EMPTY_CHOICES = {"fedramp_impact": "None (FedRAMP not applicable)"}


# Details that only an authorized offering has, and how the error names them.
AUTHORIZED_ONLY = {
    "fedramp_authorized_on": "the authorization date",
    "fedramp_ato_agencies": "the agencies holding an ATO",
}


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class OfferingDetailsForm(SingleLineFields, forms.ModelForm):
    customer_agencies = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Agencies that use the offering today, one per line.",
    )
    contract_vehicles = forms.ModelMultipleChoiceField(
        queryset=ContractVehicle.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="How agencies can buy it.",
    )
    accessibility_report_date = DateInputField(
        required=False,
        validators=[plausible_date],
        label="Accessibility conformance report (VPAT) date",
    )
    fedramp_authorized_on = DateInputField(
        required=False,
        validators=[plausible_date, validate_authorized_on],
        label="FedRAMP authorization date",
        help_text="Only when the FedRAMP status is authorized.",
    )
    fedramp_ato_agencies = forms.CharField(
        required=False,
        label="Agencies holding an ATO",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Agencies that have issued an authority to operate on the FedRAMP "
        "package, one per line (only when authorized).",
    )

    class Meta:
        model = Offering
        fields = [*CONTENT_FIELDS, "contract_vehicles"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            for name in ("customer_agencies", "fedramp_ato_agencies"):
                self.initial[name] = "\n".join(getattr(self.instance, name) or [])
        self.fields[
            "fedramp_impact"
        ].help_text = (
            "Required when the FedRAMP status is authorized, in process or ready."
        )
        # Proper empty choices instead of Django's "---------".
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) or not isinstance(
                field, forms.ChoiceField
            ):
                continue
            choices = list(field.choices)  # type: ignore[arg-type]
            if choices and choices[0] == ("", "---------"):
                label = EMPTY_CHOICES.get(name, "- Select -")
                field.choices = [("", label), *choices[1:]]

    def clean_customer_agencies(self) -> list[str]:
        return _lines(self.cleaned_data.get("customer_agencies"))

    def clean_fedramp_ato_agencies(self) -> list[str]:
        return _lines(self.cleaned_data.get("fedramp_ato_agencies"))

    def clean_fedramp_package_id(self) -> str:
        return (self.cleaned_data.get("fedramp_package_id") or "").strip().upper()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        status = cleaned.get("fedramp_status")
        if status and status != "not-applicable" and not cleaned.get("fedramp_impact"):
            self.add_error(
                "fedramp_impact",
                "Choose the impact level of the FedRAMP authorization.",
            )
        if cleaned.get("fedramp_impact") and status == "not-applicable":
            self.add_error(
                "fedramp_impact",
                "Leave the impact level empty when FedRAMP does not apply.",
            )
        if cleaned.get("fedramp_package_id") and status == "not-applicable":
            self.add_error(
                "fedramp_package_id",
                "Leave the package ID empty when FedRAMP does not apply.",
            )
        if status and status != "authorized":
            for name, what in AUTHORIZED_ONLY.items():
                if cleaned.get(name):
                    self.add_error(
                        name, f"Leave {what} empty unless the offering is authorized."
                    )
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONTENT_FIELDS}


class ClaimsForm(forms.Form):
    """The claims of one function's capabilities: four fields per capability, named
    ``<capability id>-level`` and so on, so a page can lay them out per activity."""

    def __init__(self, *args, capabilities, claims: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.capabilities = list(capabilities)
        for capability in self.capabilities:
            claim = claims.get(capability.pk)
            key = str(capability.pk)
            self.fields[f"{key}-level"] = forms.ChoiceField(
                label="Level",
                choices=[("", NO_CLAIM_LABEL), *ClaimLevel.choices],
                required=False,
                initial=claim.level if claim else "",
            )
            self.fields[f"{key}-roadmap_date"] = DateInputField(
                label="Roadmap target date",
                required=False,
                validators=[plausible_date],
                help_text="Required for roadmap.",
                initial=claim.roadmap_date if claim else None,
            )
            self.fields[f"{key}-evidence"] = forms.CharField(
                label="Evidence",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "height-10"}),
                initial=claim.evidence if claim else "",
            )
            self.fields[f"{key}-evidence_url"] = forms.URLField(
                label="Evidence link",
                required=False,
                max_length=200,
                assume_scheme="https",
                initial=claim.evidence_url if claim else "",
            )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for capability in self.capabilities:
            key = str(capability.pk)
            if (
                cleaned.get(f"{key}-level") == ClaimLevel.ROADMAP
                and not cleaned.get(f"{key}-roadmap_date")
                and f"{key}-roadmap_date" not in self.errors
            ):
                self.add_error(
                    f"{key}-roadmap_date", "A roadmap claim needs a target date."
                )
        return cleaned

    def rows(self):
        """Per capability: ``(capability, level, roadmap_date, evidence, url)``."""
        for capability in self.capabilities:
            key = str(capability.pk)
            yield (
                capability,
                *(
                    self[f"{key}-{name}"]
                    for name in ("level", "roadmap_date", "evidence", "evidence_url")
                ),
            )

    def claim_inputs(self) -> list[ClaimInput]:
        return [
            ClaimInput(
                capability_id=capability.pk,
                level=self.cleaned_data[f"{capability.pk}-level"],
                roadmap_date=self.cleaned_data[f"{capability.pk}-roadmap_date"],
                evidence=self.cleaned_data[f"{capability.pk}-evidence"].strip(),
                evidence_url=self.cleaned_data[f"{capability.pk}-evidence_url"],
            )
            for capability in self.capabilities
        ]


class ItemClaimsForm(ClaimsForm):
    """The claims of one kind's items (service measures, information exchanges or
    pre-built reports: ``standards.items.ItemRef``), fields named as in
    :class:`ClaimsForm` by the item's primary key."""

    def __init__(self, *args, kind: str, refs, claims: dict, **kwargs):
        self.kind = kind
        super().__init__(*args, capabilities=refs, claims=claims, **kwargs)

    def claim_inputs(self) -> list[ItemClaimInput]:  # type: ignore[override]
        return [
            ItemClaimInput(
                kind=self.kind,
                item_id=ref.pk,
                level=self.cleaned_data[f"{ref.pk}-level"],
                roadmap_date=self.cleaned_data[f"{ref.pk}-roadmap_date"],
                evidence=self.cleaned_data[f"{ref.pk}-evidence"].strip(),
                evidence_url=self.cleaned_data[f"{ref.pk}-evidence_url"],
            )
            for ref in self.capabilities
        ]


class ClaimsImportForm(forms.Form):
    file = forms.FileField(
        label="Claims file (CSV or XLSX)",
        help_text=f"The template, filled in. At most {MAX_UPLOAD_BYTES // 2**20} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        max_length=255,
        required=False,
        help_text="What the document shows. The file name is used when empty.",
    )
    file = forms.FileField(
        label="Evidence file",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    as_of = DateInputField(
        label="As of",
        validators=[plausible_date],
        help_text="The date the evidence speaks for: a report's period end, an "
        "assessment or signature date.",
    )
    expires_on = DateInputField(
        label="Expires on",
        required=False,
        validators=[plausible_date],
        help_text="When the evidence stops holding, if it does (a SOC report's "
        "bridge letter, an authorization's end). You are reminded 30 and 7 days "
        "before.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"PDF, XLSX or DOCX, at most {settings.EVIDENCE_MAX_BYTES / 2**20:g} MB."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        evidence_kind(upload)
        return upload

    def clean(self):
        cleaned = super().clean() or {}
        as_of, expires_on = cleaned.get("as_of"), cleaned.get("expires_on")
        if as_of and expires_on and expires_on < as_of:
            self.add_error("expires_on", "The expiry cannot be before the as-of date.")
        return cleaned


class ReviewCommentForm(forms.Form):
    comment = forms.CharField(
        label="Note for the broker (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AccountRequestForm(SingleLineFields, forms.ModelForm):
    kind = forms.ChoiceField(
        label="Kind of provider", choices=ProviderKind.choices, widget=forms.RadioSelect
    )
    website = forms.URLField(required=False, assume_scheme="https")
    uei = forms.CharField(
        label="UEI",
        required=False,
        max_length=12,
        help_text="SAM.gov Unique Entity ID: 12 capital letters and digits.",
    )

    class Meta:
        model = ProviderAccountRequest
        fields = [
            "company_name",
            "kind",
            "website",
            "uei",
            "contact_name",
            "email",
            "message",
        ]
        labels = {"message": "Anything the broker should know (optional)"}
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    def clean_uei(self) -> str:
        uei = (self.cleaned_data.get("uei") or "").strip().upper()
        if uei:
            uei_validator(uei)
        return uei
