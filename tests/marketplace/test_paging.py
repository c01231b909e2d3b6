"""The pagination bar's items, chosen in Python, equal what the template used to pick
by testing every page number (issue #20: 900 numbers a catalog page at 20,000)."""

from django.core.paginator import Paginator

from marketplace.templatetags.paging import page_window


def _every_number(last: int, current: int) -> list[tuple[int, str]]:
    """The template's old loop over ``page_range``, written out."""
    items = []
    for number in range(1, last + 1):
        if number == current:
            items.append((number, "current"))
        elif number in (1, last) or (number - 2 <= current and number + 2 >= current):
            items.append((number, "link"))
        elif number in (2, last - 1):
            items.append((number, "gap"))
    return items


def test_the_window_equals_the_loop_over_every_page():
    for last in range(1, 40):
        paginator = Paginator(range(last * 20), 20)
        for current in range(1, last + 1):
            page = paginator.page(current)
            assert page_window(page) == _every_number(last, current), (last, current)
