"""Parsing of catalog input: search parameters, claim filters, compare picks,
shortlist names. Each form reports a bad value at the field it came from."""

from collections.abc import Mapping, Sequence
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from catalog.fedramp import AUTHORIZATION_AGES
from catalog.models import (
    NO_CLAIM_LABEL,
    ClaimLevel,
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    ProviderKind,
)
from catalog.selectors import search as search_selectors
from catalog.selectors.common import SearchParamsError, published_offerings
from catalog.selectors.compare import MAX_COMPARE, requested_slugs
from catalog.selectors.facets import catalog_version
from catalog.selectors.offering import (
    OfferingClaims,
    offering_claims,
    release_functions,
)
from catalog.selectors.search import ACCESSIBILITY_CHOICES
from marketplace.validators import SingleLineFields
from standards.models import Function

SORT_CHOICES = [
    ("relevance", "Relevance"),
    ("name", "Name (A to Z)"),
    ("coverage", "Coverage of the standards (highest first)"),
    ("updated", "Last updated (newest first)"),
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
    authorized = forms.MultipleChoiceField(
        label="FedRAMP authorization age",
        required=False,
        choices=AUTHORIZATION_AGES,
        error_messages=_choice_error("FedRAMP authorization age"),
    )
    vehicle = forms.MultipleChoiceField(
        label="Contract vehicle",
        required=False,
        error_messages=_choice_error("contract vehicle"),
    )
    exchange = forms.MultipleChoiceField(
        label="Exchanges data with (Treasury system)",
        required=False,
        error_messages=_choice_error("Treasury system"),
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

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, allowed in (
            ("function", choices.functions if choices else ()),
            ("vehicle", choices.vehicles if choices else ()),
            ("exchange", choices.exchanges if choices else ()),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = list(allowed)

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
        choices=[("", "Any level"), *ClaimLevel.choices, ("unknown", NO_CLAIM_LABEL)],
        error_messages=_choice_error("claim level"),
    )

    def __init__(self, *args, functions=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["function"]).choices = [
            ("", "All functions"),
            *functions,
        ]


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
        cast(forms.ChoiceField, self.fields["offering"]).choices = list(offerings)

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
        cast(forms.ChoiceField, self.fields["shortlist"]).choices = [
            ("", "- Choose a shortlist -"),
            *[(str(s.public_id), s.name) for s in shortlists],
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        new_name = " ".join((cleaned.get("new_name") or "").split())
        cleaned["new_name"] = new_name
        if not cleaned.get("shortlist") and not new_name:
            self.add_error(
                "new_name", "Choose a shortlist or enter a name for a new one."
            )
        return cleaned


# Reads that take request parameters: validated by a form, then handed to a selector.
# Pages, the API and the exports share these entries, so a bad parameter answers the
# same error everywhere (:class:`SearchParamsError`, naming it).


def offering_search(
    params: Mapping | None,
    *,
    rank_limit: int = search_selectors.RANK_LIMIT,
    with_facets: bool = True,
) -> search_selectors.OfferingSearch:
    """:func:`catalog.selectors.search.search_offerings` for a query dict, or
    :class:`SearchParamsError` naming each bad parameter."""
    # The catalog version read once for the choices and the facet index.
    version = catalog_version()
    choices = search_selectors.search_choices(version)
    form = CatalogSearchForm(params if params is not None else {}, choices=choices)
    if not form.is_valid():
        raise SearchParamsError(form.errors)
    return search_selectors.search_offerings(
        form.cleaned_data,
        choices=choices,
        rank_limit=rank_limit,
        with_facets=with_facets,
        version=version,
    )


def compare_form(params: Mapping) -> CompareForm:
    """The compare picks, validated against the published offerings they name. One
    query that reads only those rows (in the order asked), whatever the size of the
    catalog."""
    requested = requested_slugs(params)
    names = dict(
        published_offerings()
        .filter(slug__in=requested)
        .order_by()
        .values_list("slug", "name")
    )
    choices = [(slug, names[slug]) for slug in requested if slug in names]
    return CompareForm(params, offerings=choices)


def compare_candidates(q: str, *, chosen: Sequence[str]) -> QuerySet[Offering]:
    """Published offerings the compare picker offers to add: those matching ``q``
    (the catalog's text search, by relevance) or every one by name, less the
    ``chosen`` ones. A fixed number of queries; the caller pages the result."""
    params = {"q": q, "sort": "relevance" if q else "name"}
    search = offering_search(params, with_facets=False)
    return search.queryset.exclude(slug__in=list(chosen))


def claim_filter_form(
    offering: Offering, params: Mapping, *, functions: list[Function] | None = None
) -> ClaimFilterForm:
    if functions is None:
        functions = release_functions(offering.release_id)
    return ClaimFilterForm(
        params, functions=[(f.code, f"{f.code} {f.name}") for f in functions]
    )


def offering_claims_for_params(offering: Offering, params: Mapping) -> OfferingClaims:
    """The API's entry: validate ``function`` and ``level`` then filter, or raise
    :class:`SearchParamsError` naming the bad parameter."""
    functions = release_functions(offering.release_id)
    form = claim_filter_form(offering, params, functions=functions)
    if not form.is_valid():
        raise SearchParamsError(form.errors)
    return offering_claims(
        offering,
        function=form.cleaned_data["function"],
        level=form.cleaned_data["level"],
        functions=functions,
    )


class CoverageForm(forms.Form):
    """The market picture's choice of function (its capabilities are charted).
    ``every``: "" (every function) may be chosen: the CSV download of every
    capability; the page charts one function at a time (a thousand bars and rows,
    more than a page reads or a cold render affords), the first by default."""

    function = forms.ChoiceField(
        label="Function",
        required=False,
        error_messages=_choice_error("FIBF function of the current release"),
    )

    def __init__(self, *args, functions=(), every: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["function"]).choices = [
            *([("", "Every function")] if every else []),
            *functions,
        ]


class SaveSearchForm(SingleLineFields, forms.Form):
    """Save the catalog page's query: its parameters are checked by the catalog's
    own search form (:func:`offering_search`), so only a query the catalog can run
    is kept."""

    name = forms.CharField(label="Name of the search", max_length=120)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def clean_query(self) -> str:
        params = QueryDict(self.cleaned_data.get("query") or "", mutable=True)
        params.pop("page", None)
        try:
            offering_search(params, with_facets=False)
        except SearchParamsError as error:
            raise forms.ValidationError(
                "This search has a value the catalog does not know: "
                + "; ".join(f"{k}: {' '.join(v)}" for k, v in error.errors.items())
            ) from error
        return params.urlencode()
