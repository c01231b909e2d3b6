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
        if described_by and not isinstance(
            widget, forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs


class USWDSFormRenderer(TemplatesSetting):
    form_template_name = "includes/forms/form.html"
    field_template_name = "includes/forms/field.html"
    bound_field_class = USWDSBoundField
