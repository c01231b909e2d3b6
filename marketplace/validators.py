"""Validators every app's forms and serializers share.

``single_line`` refuses a carriage return, a line feed or a NUL in a value that is one
line by nature (a name, a title): such a value can end up in an e-mail header, where a
line break would be a header injection. ``SingleLineFields`` applies it to every text
field of a form that is not a text area; serializers name it on their one-line fields.
``plausible_date`` keeps roadmap and report dates between 1990 and 2100.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

single_line = RegexValidator(
    regex=r"[\r\n\x00]",
    inverse_match=True,
    message="Write this on one line: line breaks are not allowed.",
    code="line_break",
)


class SingleLineFields:
    """Form mixin: every text field except text areas refuses line breaks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.Textarea)
                and single_line not in field.validators
            ):
                field.validators.append(single_line)


PLAUSIBLE_DATES = (datetime.date(1990, 1, 1), datetime.date(2100, 12, 31))


def plausible_date(value: datetime.date | None) -> None:
    """Refuse dates no report or roadmap can have (year 1, year 9999): the first is
    a typing slip, and either would sort and display as nonsense."""
    first, last = PLAUSIBLE_DATES
    if value is not None and not first <= value <= last:
        raise ValidationError(
            f"Enter a date between {first.isoformat()} and {last.isoformat()}.",
            code="implausible_date",
        )
