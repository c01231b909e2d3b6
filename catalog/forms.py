"""Parsing of catalog input: search parameters, claim filters, compare picks,
shortlist names. Each form reports a bad value at the field it came from."""

from django import forms

from catalog.models import (
    ClaimLevel,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    ProviderKind,
)

MIN_COMPARE = 2
MAX_COMPARE = 6


SORT_CHOICES = [
    ("relevance", "Relevance"),
    ("name", "Name (A to Z)"),
    ("coverage", "Coverage of the standards (highest first)"),
    ("updated", "Last updated (newest first)"),
]
ACCESSIBILITY_CHOICES = [
    ("yes", "Accessibility conformance report available"),
    ("no", "No accessibility conformance report"),
]

# (parameter, label, choices) of the facets whose values are fixed by the code.
STATIC_FACETS = [
    ("kind", "Provider kind", ProviderKind.choices),
    ("category", "Marketplace category", MarketplaceCategory.choices),
    ("deployment", "Deployment model", DeploymentModel.choices),
    ("fedramp", "FedRAMP status", FedrampStatus.choices),
    ("impact", "FedRAMP impact level", ImpactLevel.choices),
    ("accessibility", "Accessibility report", ACCESSIBILITY_CHOICES),
]


def _choice_error(field_label: str) -> dict:
    return {
        "invalid_choice": f"“%(value)s” is not a {field_label} the catalog knows. "
        "Remove it or pick one from the list."
    }


class CatalogSearchForm(forms.Form):
    """The catalog's query string. Choices of functions and contract vehicles come
    from the database and are passed in, so that validation needs no extra query."""

    q = forms.CharField(
        label="Search the catalog",
        required=False,
        max_length=200,
        help_text="Offering or provider name, a word from the description, or a "
        "financial-management function.",
    )
    function = forms.MultipleChoiceField(
        label="FIBF functions covered",
        required=False,
        error_messages=_choice_error("FIBF function"),
    )
    kind = forms.MultipleChoiceField(
        label="Provider kind",
        required=False,
        choices=ProviderKind.choices,
        error_messages=_choice_error("provider kind"),
    )
    category = forms.MultipleChoiceField(
        label="Marketplace category",
        required=False,
        choices=MarketplaceCategory.choices,
        error_messages=_choice_error("marketplace category"),
    )
    deployment = forms.MultipleChoiceField(
        label="Deployment model",
        required=False,
        choices=DeploymentModel.choices,
        error_messages=_choice_error("deployment model"),
    )
    fedramp = forms.MultipleChoiceField(
        label="FedRAMP status",
        required=False,
        choices=FedrampStatus.choices,
        error_messages=_choice_error("FedRAMP status"),
    )
    impact = forms.MultipleChoiceField(
        label="FedRAMP impact level",
        required=False,
        choices=ImpactLevel.choices,
        error_messages=_choice_error("FedRAMP impact level"),
    )
    vehicle = forms.MultipleChoiceField(
        label="Contract vehicle",
        required=False,
        error_messages=_choice_error("contract vehicle"),
    )
    accessibility = forms.MultipleChoiceField(
        label="Accessibility report",
        required=False,
        choices=ACCESSIBILITY_CHOICES,
        error_messages=_choice_error("accessibility report choice"),
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=SORT_CHOICES,
        error_messages=_choice_error("sort order"),
    )

    def __init__(self, *args, functions=(), vehicles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function"].choices = list(functions)
        self.fields["vehicle"].choices = list(vehicles)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class PageForm(forms.Form):
    page = forms.IntegerField(
        label="Page",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "The page must be a whole number, such as 2.",
            "min_value": "Pages start at 1.",
        },
    )


class ClaimFilterForm(forms.Form):
    """Filters of the claims table on an offering page."""

    function = forms.ChoiceField(
        label="Function",
        required=False,
        error_messages=_choice_error("function of this offering's release"),
    )
    level = forms.ChoiceField(
        label="Claim level",
        required=False,
        choices=[("", "Any level"), *ClaimLevel.choices, ("unknown", "No claim")],
        error_messages=_choice_error("claim level"),
    )

    def __init__(self, *args, functions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function"].choices = [("", "All functions"), *functions]


class CompareForm(forms.Form):
    """Which offerings to compare (by slug) and whether to show only differences."""

    offering = forms.MultipleChoiceField(
        label="Offerings to compare",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_choice_error("published offering"),
    )
    diff = forms.BooleanField(label="Show only rows that differ", required=False)

    def __init__(self, *args, offerings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].choices = list(offerings)

    def clean_offering(self) -> list[str]:
        slugs = list(dict.fromkeys(self.cleaned_data["offering"]))
        if len(slugs) > MAX_COMPARE:
            raise forms.ValidationError(
                f"You chose {len(slugs)} offerings; compare at most {MAX_COMPARE} "
                "at a time. Untick some and try again."
            )
        return slugs


class ShortlistForm(forms.Form):
    name = forms.CharField(
        label="Shortlist name",
        max_length=120,
        help_text="For example: Core financial system replacement FY2027.",
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter a name for the shortlist.")
        return name


class ShortlistAddForm(forms.Form):
    """Put an offering on one of the user's shortlists, or on a new one."""

    offering = forms.SlugField(widget=forms.HiddenInput)
    shortlist = forms.ChoiceField(label="Shortlist", required=False)
    new_name = forms.CharField(
        label="Or start a new shortlist named",
        max_length=120,
        required=False,
    )

    def __init__(self, *args, shortlists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shortlist"].choices = [
            ("", "- Choose a shortlist -"),
            *[(str(s.public_id), s.name) for s in shortlists],
        ]

    def clean(self):
        cleaned = super().clean()
        new_name = " ".join((cleaned.get("new_name") or "").split())
        cleaned["new_name"] = new_name
        if not cleaned.get("shortlist") and not new_name:
            self.add_error(
                "new_name", "Choose a shortlist or enter a name for a new one."
            )
        return cleaned
