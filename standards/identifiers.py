"""The one home of the standards' item ID patterns.

Treasury's IDs start with ``FFM``: a function ``FFM.010``, an activity
``FFM.010.010``, a capability ``FFM.010.010.011``, a service measure
``FFM.010.010.0011`` (``FFM.000.000`` for measures of every activity). Releases that
are not Treasury's use their own prefix with the same shape, so that none of their
invented items can be mistaken for one of Treasury's: ``DEMO`` for the bundled
demonstration release (seeding/data), ``SCALE`` for the synthetic release of the
scale generator (seeding/scale). Exchanges and reports have no ID in the workbook:
the marketplace names them ``EX-<position>`` and ``RPT-<position>``.

Importers, API query parameters, the item space and the generators read these
patterns from here."""

import re

TREASURY_PREFIX = "FFM"
DEMO_PREFIX = "DEMO"
SCALE_PREFIX = "SCALE"
ID_PREFIXES = (TREASURY_PREFIX, DEMO_PREFIX, SCALE_PREFIX)
ID_PREFIX = "(?:" + "|".join(ID_PREFIXES) + ")"

FUNCTION_PATTERN = rf"{ID_PREFIX}\.\d{{3}}"
ACTIVITY_PATTERN = rf"{FUNCTION_PATTERN}\.\d{{3}}"
CAPABILITY_PATTERN = rf"{ACTIVITY_PATTERN}\.\d{{3}}"
MEASURE_PATTERN = rf"{ACTIVITY_PATTERN}\.\d{{4}}"

FUNCTION_CODE = re.compile(rf"^{FUNCTION_PATTERN}$")
ACTIVITY_CODE = re.compile(rf"^{ACTIVITY_PATTERN}$")
CAPABILITY_CODE = re.compile(rf"^{CAPABILITY_PATTERN}$")
MEASURE_CODE = re.compile(rf"^{MEASURE_PATTERN}$")
# A function code named inside a text ("FFM.020 Payment Management").
FUNCTION_IN_TEXT = re.compile(FUNCTION_PATTERN)

# The activity that stands for "all activities" in the measures sheet, per prefix.
ALL_ACTIVITIES = tuple(f"{prefix}.000.000" for prefix in ID_PREFIXES)

EXCHANGE_PREFIX = "EX-"
REPORT_PREFIX = "RPT-"


def function_code(prefix: str, number: int) -> str:
    """``('SCALE', 10)`` -> ``'SCALE.010'``."""
    return f"{prefix}.{number:03d}"


def exchange_id(position: int) -> str:
    return f"{EXCHANGE_PREFIX}{position}"


def report_id(position: int) -> str:
    return f"{REPORT_PREFIX}{position}"
