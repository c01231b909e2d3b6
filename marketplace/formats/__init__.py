"""The portal's one date and time format, ISO 8601 (docs/architecture.md).

``FORMAT_MODULE_PATH`` points Django at :mod:`marketplace.formats.en.formats`, so
``{{ d|date }}``, ``{{ dt|date:"DATETIME_FORMAT" }}`` and ``{{ dt|time }}`` in
templates, and the admin, render the formats below. Python code (exports, messages)
uses the helpers here, which read the same settings.
"""

import datetime

from django.utils import formats, timezone


def display_date(value: datetime.date | None) -> str:
    """``2027-03-31`` (``""`` for ``None``)."""
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def display_datetime(value: datetime.datetime | None) -> str:
    """``2026-12-07 19:06 EST``: the current time zone, named (``""`` for ``None``)."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")
