"""The long tables' rows, rendered by the Jinja2 engine (``templates/jinja2/``,
autoescaped): three to four times faster than Django's engine for the same markup.
The rows are prepared once in Python (dicts of values ready to print), so the
template's loop only places them; the page around them stays a Django template.
Used by a need's explanation and fit-gap report (``brokering.display``), an
offering page's claims (``catalog.views``) and the search page's facets and
results (``catalog.display``); docs/performance.md says why."""

import secrets
from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe


def table_rows(template_name: str, rows: Sequence, **context) -> SafeString:
    """``rows`` rendered by the Jinja2 template ``template_name`` (its loop
    variable is ``rows``; ``context``: what every row shares)."""
    html = get_template(template_name, using="jinja2").render({**context, "rows": rows})
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - autoescaped by Jinja2


class PageRows:
    """Long rows put into their page once it is rendered: the page's template prints
    a short mark where a table's rows go (:meth:`mark`) and :meth:`render` puts each
    table's rows in its mark's place, in one join. Django's engine joins what a
    block prints once per level the block is nested in, so rows printed through
    the template were copied at every level (half a megabyte each time for a
    fit-gap report). The marks are HTML comments with a token of the request:
    escaped data cannot contain one."""

    def __init__(self) -> None:
        self._rows: list[str] = []
        self._mark = f"<!--rows-{secrets.token_hex(8)}-"

    def mark(self, rows: SafeString) -> SafeString:
        """What the template prints where ``rows`` go."""
        self._rows.append(rows)
        return mark_safe(f"{self._mark}{len(self._rows) - 1}-->")  # noqa: S308  # nosec B308 B703 - no data in it

    def render(
        self, request: HttpRequest, template_name: str, context: dict
    ) -> HttpResponse:
        """The page (as ``django.shortcuts.render`` makes it), its marks replaced
        by their rows."""
        head, *after_marks = render_to_string(template_name, context, request).split(
            self._mark
        )
        pieces = [head]
        for part in after_marks:
            index, _, rest = part.partition("-->")
            pieces += (self._rows[int(index)], rest)
        return HttpResponse("".join(pieces))
