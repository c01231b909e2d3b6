"""USWDS rendering for every form in the portal, from one place.

``FORM_RENDERER`` points at :class:`USWDSFormRenderer`: forms render through
``templates/includes/forms/``, and each widget gets the USWDS class and the ARIA
attributes that tie it to its hint and error message.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

_WIDGET_CLASSES: list[tuple[type, str]] = [
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (forms.ClearableFileInput, "usa-file-input"),
    (forms.FileInput, "usa-file-input"),
    (forms.widgets.Input, "usa-input"),
]


def uswds_class_for(widget: forms.Widget) -> str:
    for widget_type, css_class in _WIDGET_CLASSES:
        if isinstance(widget, widget_type):
            return css_class
    return ""


class USWDSBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = uswds_class_for(widget)
        if css:
            classes = attrs.get("class", "")
            if css not in classes.split():
                attrs["class"] = f"{css} {classes}".strip()
        described_by = []
        if self.help_text:
            described_by.append(f"{self.auto_id}-hint")
        if self.errors:
            described_by.append(f"{self.auto_id}-error")
            attrs["aria-invalid"] = "true"
            if css in ("usa-input", "usa-select", "usa-textarea"):
                attrs["class"] = f"{attrs['class']} {css}--error"
        if isinstance(widget, forms.FileInput):
            # USWDS's file input script puts its drop-zone instructions in aria-label;
            # naming the input by its <label> keeps its name ("Evidence file").
            attrs["aria-labelledby"] = f"{self.auto_id}-label"
        if described_by and not isinstance(
            widget, forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs


class USWDSFormRenderer(TemplatesSetting):
    form_template_name = "includes/forms/form.html"
    field_template_name = "includes/forms/field.html"
    bound_field_class = USWDSBoundField


DATE_HINT = "Format: YYYY-MM-DD, for example 2027-03-31."


class DateInputField(forms.DateField):
    """A date typed as ``YYYY-MM-DD``, the portal's one date format.

    A plain text input (Chromium shows ``type="date"`` as mm/dd/yyyy, the USWDS date
    picker is fixed to mm/dd/yyyy), its hint saying the format; ``help_text`` given by
    the caller follows the format sentence.
    """

    widget = forms.TextInput
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": "Enter the date as YYYY-MM-DD, for example 2027-03-31."
    }

    def __init__(self, *, help_text: str = "", **kwargs):
        super().__init__(help_text=f"{DATE_HINT} {help_text}".strip(), **kwargs)

    def prepare_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value
