"""Forms of market research rounds: opening a round, a provider's response (one
set of fields per need item), questions, answers, extending and deciding."""

import copy
import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone

from brokering.models import ResponseDocument, Round
from brokering.rounds import services
from brokering.rounds.services import AnswerInput, ResponseInput
from catalog.documents import ACCEPT, evidence_kind, max_bytes
from catalog.models import ClaimLevel, Offering, OfferingDocument
from marketplace.forms import DateInputField
from marketplace.validators import SingleLineFields, plausible_date

TEXT_LIMIT = 5000
MONEY_LIMIT = 10**11


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A due date means the end of that day in the portal's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)


def round_open_from(*, need, user, data: Mapping[str, Any], offering_ids) -> Round:
    """Open a round from a page's or the API's checked data (title, due_date,
    anonymous, instructions); the due day means its end."""
    return services.round_open(
        need_id=need.pk,
        opened_by=user,
        title=data["title"],
        due_at=end_of_day(data["due_date"]),
        offering_ids=offering_ids,
        anonymous=data["anonymous"],
        instructions=data["instructions"],
    )


def future_day(day: datetime.date) -> None:
    plausible_date(day)
    if day < timezone.localdate():
        raise forms.ValidationError("Choose a day from today on.")


class OfferingsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.provider.name})"


class RoundOpenForm(SingleLineFields, forms.Form):
    title = forms.CharField(max_length=200)
    due_date = DateInputField(
        help_text="Responses are accepted until the end of this day.",
        validators=[future_day],
    )
    anonymous = forms.BooleanField(
        label="Do not name the agency to providers",
        required=False,
        initial=True,
    )
    instructions = forms.CharField(
        widget=forms.Textarea, required=False, max_length=TEXT_LIMIT
    )
    offerings = OfferingsField(
        queryset=Offering.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Providers to invite",
        help_text="Published offerings that meet the need's constraints.",
        error_messages={"required": "Choose at least one offering to invite."},
    )

    def __init__(self, *args, offerings: Sequence[Offering], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["offerings"])
        field.queryset = (
            Offering.objects.filter(pk__in=[o.pk for o in offerings])
            .select_related("provider")
            .order_by("name", "id")
        )


class ExtendForm(forms.Form):
    due_date = DateInputField(validators=[future_day], label="New due date")


class DecideForm(forms.Form):
    recommended = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Recommended offerings",
    )
    reason = forms.CharField(widget=forms.Textarea, max_length=TEXT_LIMIT)

    def __init__(self, *args, choices: Iterable[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["recommended"])
        field.choices = [(str(pk), label) for pk, label in choices]


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Your question", widget=forms.Textarea, max_length=TEXT_LIMIT
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Answer (published to every invited provider)",
        widget=forms.Textarea,
        max_length=TEXT_LIMIT,
    )


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=MONEY_LIMIT,
        decimal_places=2,
    )


def _evidence_file(upload) -> None:
    evidence_kind(upload)  # the catalog's evidence checks, as a field validator


LEVEL_CHOICES = [("", "Not answered yet"), *ClaimLevel.choices]


def _labelled(field: forms.Field, label: str) -> forms.Field:
    """A copy of ``field`` with its own label. The hundreds of item fields of a
    response share their kind's widget, choices and validators (nothing of them
    changes per item; rendering builds each input's attributes anew): building
    each field anew cost more than validating the whole form."""
    copied = copy.copy(field)
    copied.label = label
    return copied


class ResponseForm(SingleLineFields, forms.Form):
    """The response: price, timeline, references, and per need item a level,
    a roadmap date, a comment and an evidence document (``level_<item id>`` ...)."""

    one_time_cost = _money("One-time implementation cost (USD)")
    annual_cost = _money("Annual cost (USD)")
    pricing_basis = forms.CharField(max_length=200, required=False)
    assumptions = forms.CharField(
        widget=forms.Textarea, required=False, max_length=TEXT_LIMIT
    )
    timeline_months = forms.IntegerField(
        label="Months from award to go-live", required=False, min_value=0, max_value=240
    )
    fits_go_live = forms.TypedChoiceField(
        label="Fits the agency's go-live date",
        choices=[("", "Not stated"), ("yes", "Yes"), ("no", "No")],
        required=False,
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    customer_references = forms.CharField(
        widget=forms.Textarea, required=False, max_length=TEXT_LIMIT
    )

    def __init__(
        self,
        *args,
        items: Sequence[dict[str, Any]],
        documents: Sequence[OfferingDocument],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        document_choices = [("", "None"), *((str(d.pk), d.title) for d in documents)]
        level = forms.ChoiceField(choices=LEVEL_CHOICES, required=False)
        date = DateInputField(required=False, validators=[plausible_date])
        comment = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
            max_length=TEXT_LIMIT,
        )
        document = forms.TypedChoiceField(
            choices=document_choices, required=False, coerce=int, empty_value=None
        )
        evidence = forms.FileField(
            required=False,
            validators=[_evidence_file],
            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            help_text=f"PDF, XLSX or DOCX, at most {max_bytes() // 2**20} MB.",
        )
        # Each kind's one field; the items' own labelled copies are made only to
        # render the form or to mark an item's error (see _item_fields).
        self.kinds: dict[str, tuple[forms.Field, str]] = {
            "level": (level, "Level for {}"),
            "date": (date, "Roadmap date for {}"),
            "comment": (comment, "Comment on {}"),
            "document": (document, "Evidence for {}"),
            "evidence": (evidence, "Upload evidence for {}"),
        }
        self._items_added = False

    def _item_fields(self) -> None:
        """Add each item's fields (its kind's field with its own label)."""
        if self._items_added:
            return
        self._items_added = True
        for item in self.items:
            pk, code = item["pk"], item["code"]
            for kind, (field, label) in self.kinds.items():
                self.fields[f"{kind}_{pk}"] = _labelled(field, label.format(code))

    def _clean_fields(self) -> None:
        """The response's fields as Django cleans them, then each item's in one
        pass with its kind's field (a labelled copy cleans the same), without a
        bound field per input: a response of 400 items posts 2,000.

        A kind's field cleans a posted text the same whichever item it is for,
        so each text a kind was given is cleaned once and its value reused (the
        hundreds of items repeat a few levels, dates and empty inputs); a text
        that fails is cleaned again for each item, so each gets its error."""
        super()._clean_fields()  # type: ignore[misc]  # every field added so far
        if self._items_added:
            return
        data, files, cleaned = self.data, self.files, self.cleaned_data
        kinds = [
            (kind, field, isinstance(field, forms.FileField))
            for kind, (field, _label) in self.kinds.items()
        ]
        clean_of: dict[tuple[str, str], Any] = {}
        for item in self.items:
            pk = item["pk"]
            for kind, field, is_file in kinds:
                name = f"{kind}_{pk}"
                try:
                    value = field.widget.value_from_datadict(
                        data, files, self.add_prefix(name)
                    )
                    if is_file:
                        initial = self.get_initial_for_field(field, name)
                        file_field = cast(forms.FileField, field)
                        cleaned[name] = file_field.clean(value, initial)
                    elif type(value) is str:
                        key = (kind, value)
                        if key not in clean_of:
                            clean_of[key] = field.clean(value)
                        cleaned[name] = clean_of[key]
                    else:
                        cleaned[name] = field.clean(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)

    def add_error(self, field, error) -> None:
        """An item's error is marked on its own field: the items' fields are
        added first (a form with errors is rendered again)."""
        if field is not None and field not in self.fields:
            self._item_fields()
        super().add_error(field, error)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for item in self.items:
            pk = item["pk"]
            if cleaned.get(f"level_{pk}") == ClaimLevel.ROADMAP and not cleaned.get(
                f"date_{pk}"
            ):
                self.add_error(
                    f"date_{pk}", "A roadmap answer needs the date it is promised for."
                )
        return cleaned

    def rows(
        self, uploaded: Mapping[int, ResponseDocument] | None = None
    ) -> list[dict[str, Any]]:
        """Each item with its bound fields and the evidence uploaded for it, for
        the template's table."""
        uploaded = uploaded or {}
        self._item_fields()
        return [
            {
                "item": item,
                "level": self[f"level_{item['pk']}"],
                "date": self[f"date_{item['pk']}"],
                "comment": self[f"comment_{item['pk']}"],
                "document": self[f"document_{item['pk']}"],
                "evidence": self[f"evidence_{item['pk']}"],
                "uploaded": uploaded.get(item["pk"]),
            }
            for item in self.items
        ]

    def response(self) -> ResponseInput:
        data = self.cleaned_data
        return ResponseInput(
            one_time_cost=data["one_time_cost"],
            annual_cost=data["annual_cost"],
            pricing_basis=data["pricing_basis"],
            assumptions=data["assumptions"],
            timeline_months=data["timeline_months"],
            fits_go_live=data["fits_go_live"],
            customer_references=data["customer_references"],
        )

    def answers(self) -> dict[int, AnswerInput]:
        data = self.cleaned_data
        return {
            item["pk"]: AnswerInput(
                level=data[f"level_{item['pk']}"],
                roadmap_date=data[f"date_{item['pk']}"],
                comment=data[f"comment_{item['pk']}"],
                document_id=data[f"document_{item['pk']}"],
                upload=data.get(f"evidence_{item['pk']}") or None,
            )
            for item in self.items
        }
