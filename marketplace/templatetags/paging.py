"""``{% load paging %}``: the page links a pagination bar shows, chosen in Python.

A bar shows the first and last pages, the two either side of the current one and an
ellipsis where pages are left out. Looping over every page number in the template to
pick those (900 numbers for 18,000 offerings at 20 a page, each with its tests) cost
more than the rest of the catalog page; :func:`page_window` visits only the numbers
that can show.
"""

from django import template

register = template.Library()


@register.filter
def page_window(page) -> list[tuple[int, str]]:
    """``(number, kind)`` for each item of ``page``'s bar, in order: ``current``,
    ``link`` or ``gap`` (an ellipsis standing for the pages left out)."""
    last = page.paginator.num_pages
    current = page.number
    shown = {1, 2, last - 1, last, *range(current - 2, current + 3)}
    items = []
    for number in sorted(n for n in shown if 1 <= n <= last):
        if number == current:
            items.append((number, "current"))
        elif number in (1, last) or current - 2 <= number <= current + 2:
            items.append((number, "link"))
        elif number in (2, last - 1):
            items.append((number, "gap"))
    return items
