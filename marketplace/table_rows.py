"""The long tables' rows, rendered by the Jinja2 engine (``templates/jinja2/``,
autoescaped): three to four times faster than Django's engine for the same markup.
The rows are prepared once in Python (dicts of values ready to print), so the
template's loop only places them; the page around them stays a Django template.
Used by a need's explanation and fit-gap report (``brokering.display``), an
offering page's claims (``catalog.views``) and the search page's facets and
results (``catalog.display``); docs/performance.md says why."""

from collections.abc import Sequence

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe


def table_rows(template_name: str, rows: Sequence, **context) -> SafeString:
    """``rows`` rendered by the Jinja2 template ``template_name`` (its loop
    variable is ``rows``; ``context``: what every row shares)."""
    html = get_template(template_name, using="jinja2").render({**context, "rows": rows})
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - autoescaped by Jinja2
