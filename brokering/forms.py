"""Forms of the need wizard and the priorities import."""

import datetime
from typing import cast

from django import forms
from django.utils import timezone

from brokering.models import MatchStatus, Priority
from catalog.models import DeploymentModel, ImpactLevel, ProviderKind
from marketplace.forms import DateInputField

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class NeedBasicsForm(forms.Form):
    """Step 1: title, go-live date and constraints."""

    title = forms.CharField(
        max_length=200,
        help_text="A name your team will recognise, for example "
        "“Core financial system replacement FY2027”.",
    )
    go_live_date = DateInputField(
        label="Go-live date",
        help_text="Roadmap claims count only when promised on or before this date.",
    )
    accepted_provider_kinds = forms.MultipleChoiceField(
        label="Accepted provider kinds",
        choices=ProviderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unchecked to accept any provider.",
    )
    minimum_impact_level = forms.ChoiceField(
        label="Minimum FedRAMP impact level",
        choices=[("", "No minimum"), *ImpactLevel.choices],
        required=False,
    )
    accepted_deployment_models = forms.MultipleChoiceField(
        label="Accepted deployment models",
        choices=DeploymentModel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unchecked to accept any deployment model.",
    )

    def clean_go_live_date(self) -> datetime.date:
        day = self.cleaned_data["go_live_date"]
        if day < timezone.localdate() - datetime.timedelta(days=365 * 5):
            raise forms.ValidationError(
                "Enter a go-live date in the last five years or later."
            )
        if day.year > 2100:
            raise forms.ValidationError("Enter a go-live date before 2100.")
        return day


class NeedFunctionsForm(forms.Form):
    """Step 2: the FIBF functions in scope."""

    functions: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Functions in scope",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every capability under a chosen function comes in as “should”; "
        "you set priorities in the next step.",
        error_messages={"required": "Choose at least one function."},
    )

    def __init__(self, *args, functions, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["functions"])
        field.queryset = functions
        field.label_from_instance = lambda obj: f"{obj.code} {obj.name}"  # type: ignore[method-assign]


PRIORITY_CHOICES = Priority.choices
SET_ALL_CHOICES = [("", "Keep each capability’s priority"), *Priority.choices]


class PrioritiesForm(forms.Form):
    """Step 3: priorities of the capabilities of one function, one by one or all at
    once. Fields are named ``cap-<capability id>``."""

    set_all = forms.ChoiceField(
        label="Set every capability of this function to",
        choices=SET_ALL_CHOICES,
        required=False,
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"cap-{item.capability_id}"] = forms.ChoiceField(
                label=item.capability.code,
                choices=PRIORITY_CHOICES,
                initial=item.priority,
                required=False,
            )

    def rows(self):
        for item in self.items:
            yield item, self[f"cap-{item.capability_id}"]

    def priorities(self) -> dict[int, str]:
        chosen = self.cleaned_data.get("set_all")
        return {
            item.capability_id: chosen
            or self.cleaned_data[f"cap-{item.capability_id}"]
            or item.priority
            for item in self.items
        }


class PrioritiesImportForm(forms.Form):
    file = forms.FileField(
        label="Priorities file",
        help_text="A CSV or Excel (.xlsx) file with the columns capability_code and "
        "priority (must, should or could), as exported from this page. Up to 2 MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Choose a .csv or .xlsx file.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        return upload


class ResultsFilterForm(forms.Form):
    eligible = forms.BooleanField(label="Eligible offerings only", required=False)
    status = forms.ChoiceField(
        label="Decision",
        required=False,
        choices=[("", "Any decision"), *MatchStatus.choices],
    )


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label="Business needs workbook",
        help_text="The .xlsx workbook downloaded from a need, filled in. Up to 5 MB.",
    )

    def clean_file(self):
        from brokering.workbook import MAX_UPLOAD_BYTES as WORKBOOK_BYTES

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Choose an .xlsx file.")
        if upload.size > WORKBOOK_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        return upload


KIND_ITEM_CHOICES = [("", "Not needed"), *Priority.choices]
KIND_SET_ALL_CHOICES = [
    ("", "Keep each item’s priority"),
    *Priority.choices,
    ("none", "Not needed"),
]


class KindItemsForm(forms.Form):
    """A wizard step of one kind of standards item (service measures, information
    exchanges, pre-built reports), one function at a time: each item's priority
    (blank: not needed), one value for every item of the function, and for
    measures the target asked. Fields are ``item-<pk>`` and ``target-<pk>``."""

    set_all = forms.ChoiceField(
        label="Set every item of this function to",
        choices=KIND_SET_ALL_CHOICES,
        required=False,
    )

    def __init__(self, *args, refs, items, with_target: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.refs, self.items, self.with_target = list(refs), items, with_target
        for ref in self.refs:
            item = items.get(ref.pk)
            self.fields[f"item-{ref.pk}"] = forms.ChoiceField(
                label=ref.code,
                choices=KIND_ITEM_CHOICES,
                initial=item.priority if item else "",
                required=False,
            )
            if with_target:
                self.fields[f"target-{ref.pk}"] = forms.CharField(
                    label=f"Target asked for {ref.code}",
                    max_length=255,
                    required=False,
                    initial=item.target if item else "",
                )

    def rows(self):
        for ref in self.refs:
            target = self[f"target-{ref.pk}"] if self.with_target else None
            yield ref, self[f"item-{ref.pk}"], target

    def priorities(self) -> dict[int, str]:
        chosen = self.cleaned_data.get("set_all")
        if chosen == "none":
            return {ref.pk: "" for ref in self.refs}
        return {
            ref.pk: chosen or self.cleaned_data[f"item-{ref.pk}"] for ref in self.refs
        }

    def targets(self) -> dict[int, str]:
        if not self.with_target:
            return {}
        return {ref.pk: self.cleaned_data[f"target-{ref.pk}"] for ref in self.refs}
