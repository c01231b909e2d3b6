"""The scale generator's other kinds of standards items: service measures (some with
a target Treasury sets, some "TBD by service customer"), exchange systems with their
information exchanges, and pre-built reports, spread over the functions in the FY2025
workbooks' proportions (:mod:`seeding.scale.vocabulary`). IDs follow
:mod:`standards.identifiers`: measures ``SCALE.030.010.0011`` (``SCALE.000.000.0011``
for measures of every activity), exchanges and reports by position (``EX-1``,
``RPT-1``). The words are invented; no Treasury text is copied."""

from dataclasses import dataclass

import numpy as np

from marketplace.copying import BATCH
from seeding.scale.vocabulary import (
    CUSTOMER_TARGET,
    CUSTOMER_TARGET_SHARE,
    EXCHANGES_BY_FUNCTION,
    EXCHANGES_PER_100_MEASURES,
    EXCHANGES_PER_SYSTEM,
    INCOMING_SHARE,
    MEASURE_CATEGORIES,
    MEASURE_TYPES,
    MEASURES_BY_FUNCTION,
    OBJECTS,
    REPORT_KINDS,
    REPORTS_BY_FUNCTION,
    REPORTS_PER_100_MEASURES,
    SYSTEM_KINDS,
    VERBS,
)
from standards.identifiers import SCALE_PREFIX, function_code
from standards.models import Exchange, ExchangeSystem, Report, ServiceMeasure

EVERY = -1  # the function index of a measure of every activity


@dataclass
class OtherItems:
    """Primary keys of the release's measures, exchanges and reports (vector order:
    measures by code, exchanges and reports by position), each item's function index
    (:data:`EVERY` for a measure of every activity) and, for measures, whether
    Treasury leaves the target to the customer."""

    measure_ids: np.ndarray
    measure_function: np.ndarray
    measure_customer: np.ndarray
    measure_targets: list[str]
    measure_types: list[str]
    exchange_ids: np.ndarray
    exchange_function: np.ndarray
    report_ids: np.ndarray
    report_function: np.ndarray

    @property
    def keys(self) -> list[tuple[str, int]]:
        """Item keys (``standards.items``) in vector order."""
        return [
            *(("measure", int(pk)) for pk in self.measure_ids),
            *(("exchange", int(pk)) for pk in self.exchange_ids),
            *(("report", int(pk)) for pk in self.report_ids),
        ]

    @property
    def function_of(self) -> np.ndarray:
        return np.concatenate(
            [self.measure_function, self.exchange_function, self.report_function]
        )


def _counts(total: int, shares: dict[int, int]) -> dict[int, int]:
    """``total`` split over the function numbers in proportion to ``shares``."""
    numbers = sorted(shares)
    weights = np.array([shares[n] for n in numbers], dtype=float)
    raw = weights / weights.sum() * total
    parts = np.floor(raw).astype(int)
    for index in np.argsort(-(raw - parts))[: total - int(parts.sum())]:
        parts[index] += 1
    return dict(zip(numbers, parts.tolist(), strict=True))


def _pick(pairs: list[tuple[str, int]], rng) -> str:
    weights = np.array([w for _n, w in pairs], dtype=float)
    return pairs[int(rng.choice(len(pairs), p=weights / weights.sum()))][0]


def treasury_target(measure_type: str, rng) -> str:
    """An invented target of the kind Treasury sets."""
    if measure_type == "Timeliness":
        return f"Within {int(rng.integers(1, 6))} business days"
    if measure_type == "Volume":
        return f">={int(rng.integers(90, 100))}% processed automatically"
    return f">={int(rng.integers(85, 100))}%"


def agency_target(measure_type: str, rng) -> str:
    """A target an agency sets itself (always different from Treasury's wording)."""
    if measure_type == "Timeliness":
        return f"Within {int(rng.integers(1, 10))} calendar days (agency target)"
    return f">={int(rng.integers(80, 100))}.5% (agency target)"


def seed_other_items(
    *, release, functions, activities, measures: int, rng, log
) -> OtherItems:
    """``measures`` service measures and, in the FY2025 proportions, exchanges and
    reports, in the release of ``functions`` (its Function rows, in FUNCTIONS order)
    and ``activities`` (its Activity rows)."""
    number_of = {f.code: int(f.code.rsplit(".", 1)[1]) for f in functions}
    index_of = {number_of[f.code]: n for n, f in enumerate(functions)}
    by_function: dict[int, list] = {}
    for activity in activities:
        by_function.setdefault(activity.function_id, []).append(activity)
    function_by_number = {number_of[f.code]: f for f in functions}

    rows: list[ServiceMeasure] = []
    for number, count in _counts(measures, MEASURES_BY_FUNCTION).items():
        function = function_by_number.get(number)
        its_activities = by_function[function.id] if function else [None]
        for n in range(count):
            activity = its_activities[n % len(its_activities)]
            activity_code = (
                activity.code if activity else f"{function_code(SCALE_PREFIX, 0)}.000"
            )
            measure_type = _pick(MEASURE_TYPES, rng)
            customer = rng.random() < CUSTOMER_TARGET_SHARE
            thing = OBJECTS[int(rng.integers(len(OBJECTS)))]
            verb = VERBS[int(rng.integers(len(VERBS)))]
            rows.append(
                ServiceMeasure(
                    release=release,
                    activity=activity,
                    code=f"{activity_code}.{11 + n // len(its_activities):04d}",
                    function_code=function.code
                    if function
                    else function_code(SCALE_PREFIX, 0),
                    activity_code=activity_code,
                    name=f"{measure_type} to {verb} {thing} {n + 1}",
                    description=f"How well the provider's service can {verb} "
                    f"{thing} (synthetic measure).",
                    target=CUSTOMER_TARGET
                    if customer
                    else treasury_target(measure_type, rng),
                    category=_pick(MEASURE_CATEGORIES, rng),
                    level_type="Performance Level",
                    measure_type=measure_type,
                    frequency=("Monthly", "Quarterly", "Annually")[
                        int(rng.integers(3))
                    ],
                )
            )
    ServiceMeasure.objects.bulk_create(rows, batch_size=BATCH)
    ordered = sorted(rows, key=lambda m: (m.code, m.name))
    measure_function = np.array(
        [
            EVERY
            if m.function_code.endswith(".000")
            else index_of[int(m.function_code.rsplit(".", 1)[1])]
            for m in ordered
        ],
        dtype=np.int64,
    )

    exchange_count = round(measures * EXCHANGES_PER_100_MEASURES / 100)
    system_count = max(1, round(exchange_count / EXCHANGES_PER_SYSTEM))
    systems = ExchangeSystem.objects.bulk_create(
        ExchangeSystem(
            release=release,
            position=n + 1,
            name=f"SCALE {SYSTEM_KINDS[n % len(SYSTEM_KINDS)]} {n + 1}",
            area="Centralized Service",
            description="A synthetic system exchanging data with the core system.",
            manager="Synthetic Fiscal Service",
        )
        for n in range(system_count)
    )
    exchanges: list[Exchange] = []
    exchange_function: list[int] = []
    for number, count in _counts(exchange_count, EXCHANGES_BY_FUNCTION).items():
        function = function_by_number[number]
        for _ in range(count):
            position = len(exchanges) + 1
            direction = "Incoming" if rng.random() < INCOMING_SHARE else "Outgoing"
            thing = OBJECTS[int(rng.integers(len(OBJECTS)))]
            exchanges.append(
                Exchange(
                    release=release,
                    system=systems[(position - 1) % system_count],
                    position=position,
                    information=f"{direction}: {thing} detail {position}",
                    requirement="Required",
                    functions=f"{function.code} {function.name}",
                )
            )
            exchange_function.append(index_of[number])
    exchanges = Exchange.objects.bulk_create(exchanges, batch_size=BATCH)

    report_count = round(measures * REPORTS_PER_100_MEASURES / 100)
    reports: list[Report] = []
    report_function: list[int] = []
    for number, count in _counts(report_count, REPORTS_BY_FUNCTION).items():
        function = function_by_number[number]
        for _ in range(count):
            position = len(reports) + 1
            thing = OBJECTS[int(rng.integers(len(OBJECTS)))]
            kind = REPORT_KINDS[int(rng.integers(len(REPORT_KINDS)))]
            reports.append(
                Report(
                    release=release,
                    position=position,
                    name=f"{thing.capitalize()} {kind} {position}",
                    function=f"{function.code} {function.name}",
                    description=f"The {thing} by accounting period (synthetic).",
                )
            )
            report_function.append(index_of[number])
    reports = Report.objects.bulk_create(reports, batch_size=BATCH)
    log(
        f"standards: {len(rows)} service measures "
        f"({sum(m.target == CUSTOMER_TARGET for m in rows)} with the target left to "
        f"the customer), {len(exchanges)} exchanges with {system_count} systems, "
        f"{len(reports)} reports"
    )
    return OtherItems(
        measure_ids=np.array([m.pk for m in ordered], dtype=np.int64),
        measure_function=measure_function,
        measure_customer=np.array(
            [m.target == CUSTOMER_TARGET for m in ordered], dtype=bool
        ),
        measure_targets=[m.target for m in ordered],
        measure_types=[m.measure_type for m in ordered],
        exchange_ids=np.array([e.pk for e in exchanges], dtype=np.int64),
        exchange_function=np.array(exchange_function, dtype=np.int64),
        report_ids=np.array([r.pk for r in reports], dtype=np.int64),
        report_function=np.array(report_function, dtype=np.int64),
    )
