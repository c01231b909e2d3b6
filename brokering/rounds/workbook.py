"""A response as a workbook file: the need's business needs workbook
(:mod:`brokering.workbook`) with answer columns after each of the need's items
(level, roadmap date, comment) and a ``Response`` sheet (price, timeline,
references). The provider downloads it pre-filled like the page (its saved
answers, else its catalog claims), fills it offline and uploads it as a draft.

Reading goes through the one bounded reader and checks every cell before
anything is written: every bad cell is reported by sheet, row and column, and a
file with any problem writes nothing. A round trip is exact: a workbook uploaded
unchanged saves the response as it stands.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from brokering import workbook
from brokering.models import Invitation, ItemKind
from brokering.rounds import selectors, services
from brokering.rounds.forms import MONEY_LIMIT, TEXT_LIMIT
from brokering.workbook import Problem, WorkbookError, choice_cell, once
from catalog.models import ClaimLevel
from marketplace import spreadsheets

RESPONSE_SHEET = "Response"
ANSWER_COLUMNS = ["Level", "Roadmap date", "Comment"]
YES_NO = {"yes": True, "no": False, "": None}
RESPONSE_FIELDS = [
    ("request", "Request ID (read only)"),
    ("one_time_cost", "One-time implementation cost (USD)"),
    ("annual_cost", "Annual cost (USD)"),
    ("pricing_basis", "Pricing basis"),
    ("assumptions", "Assumptions"),
    ("timeline_months", "Months from award to go-live"),
    ("fits_go_live", "Fits the agency's go-live date (yes or no)"),
    ("customer_references", "Customer references"),
]
INSTRUCTIONS = [
    "Response workbook",
    "",
    "Each sheet lists the need's items of one kind. For each item choose a Level "
    "(meets, configurable, extension, roadmap, does-not-meet), give the Roadmap "
    "date (YYYY-MM-DD) of a roadmap answer, and add a Comment if you wish. The "
    "levels start from your saved answers, or from your offering's catalog claims.",
    "Response sheet: your price estimate, timeline and customer references.",
    "Do not change IDs, sheet names or column headings. Upload the file on the "
    "request's page: it is saved as a draft of your response (submit it on the "
    "page). Every problem is listed by sheet, row and column, and nothing is saved "
    "until the file has none. Uploads are refused after the due date.",
]


def _columns(kind: str) -> list[str]:
    if kind == "agency":
        return workbook.AGENCY_COLUMNS
    return workbook.item_columns(kind)


def response_workbook_bytes(invitation: Invitation) -> bytes:
    """The need's workbook with this response's answers, pre-filled as the page."""
    round = invitation.round
    items = selectors.item_rows(need=round.need)
    initial = selectors.response_initial(invitation=invitation, items=items)
    cells = {}
    for item in items:
        pk = item["pk"]
        date = initial.get(f"date_{pk}")
        cells[item["code"]] = [
            initial.get(f"level_{pk}") or "",
            date.isoformat() if isinstance(date, datetime.date) else (date or ""),
            initial.get(f"comment_{pk}") or "",
        ]
    answers = workbook.AnswerColumns(
        headings=ANSWER_COLUMNS,
        cells=cells,
        choices={"Level": ClaimLevel.values},
        agency=selectors.agency_shown(round=round),
    )
    sheets = workbook.workbook_sheets(round.need, answers)
    sheets[0] = spreadsheets.Sheet(
        "Instructions", [[line] for line in INSTRUCTIONS], widths=[120], freeze=None
    )
    values = {**initial, "request": invitation.pk}
    rows = []
    for name, label in RESPONSE_FIELDS:
        value = values.get(name)
        rows.append([name, "" if value is None else str(value), label])
    sheets.append(
        spreadsheets.Sheet(RESPONSE_SHEET, [["Field", "Value", "Description"], *rows])
    )
    return spreadsheets.xlsx_bytes(sheets)


# --- reading -----------------------------------------------------------------------


def _number(
    text: str, where: tuple[str, int, str], problems, *, whole: bool, limit: int
) -> Any:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(Problem(*where, f"“{text}” is not a number."))
        return None
    if not value.is_finite() or value < 0 or value > limit:
        problems.append(Problem(*where, f"a number from 0 to {limit} is needed."))
        return None
    if whole:
        if value != value.to_integral_value():
            problems.append(Problem(*where, "a whole number of months is needed."))
            return None
        return int(value)
    if value != value.quantize(Decimal("0.01")):
        problems.append(Problem(*where, "at most two decimal places."))
        return None
    return value.quantize(Decimal("0.01"))


def _read_response(tables, invitation_id: int, problems) -> services.ResponseInput:
    fields = workbook.field_values(
        tables, RESPONSE_SHEET, len(RESPONSE_FIELDS), problems
    )

    def value(name: str) -> tuple[tuple[str, int, str], str]:
        number, text = fields.get(name, (0, ""))
        return (RESPONSE_SHEET, number, "Value"), text

    where, request = value("request")
    if fields and request != str(invitation_id):
        problems.append(
            Problem(*where, f"the workbook is for request {request or '(none)'}.")
        )
    data: dict[str, Any] = {}
    for name in ("one_time_cost", "annual_cost"):
        data[name] = _number(
            value(name)[1], value(name)[0], problems, whole=False, limit=MONEY_LIMIT
        )
    where, months = value("timeline_months")
    data["timeline_months"] = _number(months, where, problems, whole=True, limit=240)
    where, fits = value("fits_go_live")
    if fits.casefold() not in YES_NO:
        problems.append(Problem(*where, f"“{fits}” is not yes or no."))
    data["fits_go_live"] = YES_NO.get(fits.casefold())
    for name, limit in (
        ("pricing_basis", 200),
        ("assumptions", TEXT_LIMIT),
        ("customer_references", TEXT_LIMIT),
    ):
        where, text = value(name)
        if len(text) > limit:
            problems.append(Problem(*where, f"at most {limit} characters."))
        data[name] = text
    return services.ResponseInput(**data)


def _answer(title: str, number: int, row: dict, problems) -> services.AnswerInput:
    level = choice_cell(
        (title, number, "Level"),
        row,
        ClaimLevel.values,
        f"one of {', '.join(ClaimLevel.values)}",
        problems,
    )
    roadmap_date = None
    if row["Roadmap date"]:
        try:
            roadmap_date = datetime.date.fromisoformat(row["Roadmap date"])
        except ValueError:
            problems.append(
                Problem(title, number, "Roadmap date", "a date YYYY-MM-DD is needed.")
            )
    elif level == ClaimLevel.ROADMAP:
        problems.append(
            Problem(title, number, "Roadmap date", "a roadmap answer needs its date.")
        )
    if len(row["Comment"]) > TEXT_LIMIT:
        problems.append(
            Problem(title, number, "Comment", f"at most {TEXT_LIMIT} characters.")
        )
    return services.AnswerInput(
        level=level, roadmap_date=roadmap_date, comment=row["Comment"]
    )


def read_response_workbook(
    content: bytes, invitation: Invitation
) -> tuple[services.ResponseInput, dict[int, services.AnswerInput]]:
    """Read and check a response workbook: the response and the answers by need
    item id (the evidence each answer points to is kept). Raises
    :class:`WorkbookError` listing every problem; nothing is written here."""
    sheets: dict[ItemKind, str] = {
        **workbook.SHEETS,
        ItemKind.AGENCY: workbook.AGENCY_SHEET,
    }
    tables = workbook.read_tables(content, [*sheets.values(), RESPONSE_SHEET])
    problems: list[Problem] = []
    response = _read_response(tables, invitation.pk, problems)
    items = selectors.item_rows(need=invitation.round.need)
    documents = dict(invitation.answers.values_list("item_id", "document_id"))
    answers: dict[int, services.AnswerInput] = {}
    for kind, title in sheets.items():
        by_code = {item["code"]: item for item in items if item["kind"] == kind}
        seen: dict[str, int] = {}
        for number, row in workbook.sheet_rows(
            tables,
            title,
            _columns(kind) + ANSWER_COLUMNS,
            len(by_code) + workbook.MAX_EXTRA_ROWS,
            problems,
        ):
            code = row["ID"]
            item = by_code.get(code)
            if item is None:
                problems.append(
                    Problem(
                        title, number, "ID", f"“{code}” is not an item of the need."
                    )
                )
            elif once((title, number, "ID"), code, seen, problems):
                answer = _answer(title, number, row, problems)
                answers[item["pk"]] = services.AnswerInput(
                    level=answer.level,
                    roadmap_date=answer.roadmap_date,
                    comment=answer.comment,
                    document_id=documents.get(item["pk"]),
                )
    if problems:
        raise WorkbookError(problems)
    return response, answers


def response_workbook_apply(*, invitation: Invitation, user, content: bytes):
    """Save the workbook as a draft of the response (a submitted response stays
    submitted and is scored again, as from the page). Raises
    :class:`WorkbookError` (nothing written) or ``RoundError`` (locked)."""
    if not selectors.accepts_responses(round=invitation.round):
        raise services.RoundError("The round is closed: responses are locked.")
    response, answers = read_response_workbook(content, invitation)
    return services.response_save(
        invitation_id=invitation.pk, user=user, response=response, answers=answers
    )
