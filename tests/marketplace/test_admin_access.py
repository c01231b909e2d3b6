"""One admin access module: every back-office page takes its rules from
:mod:`marketplace.admin_access` (broker read-only, broker editor, operator only)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from marketplace.admin_access import (
    ACCESS_CLASSES,
    BrokerEditor,
    BrokerReadOnly,
    OperatorOnly,
)

# The standards app's admin is being rewritten on its own branch of issue #15; it
# keeps its own read-only mixin until that lands.
ELSEWHERE = ("standards",)
PERMISSIONS = (
    "has_module_permission",
    "has_view_permission",
    "has_change_permission",
    "has_add_permission",
    "has_delete_permission",
)


def _admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("auth", "authtoken", "axes", *ELSEWHERE):
            continue
        yield model, model_admin
        for inline in model_admin.inlines:
            yield model, inline(model, admin.site)


def test_every_admin_uses_exactly_one_access_class():
    wrong = []
    for model, model_admin in _admins():
        used = [cls for cls in ACCESS_CLASSES if isinstance(model_admin, cls)]
        # BrokerEditor is a BrokerReadOnly that may write: count the most specific.
        if BrokerEditor in used:
            used.remove(BrokerReadOnly)
        if len(used) != 1:
            wrong.append(f"{type(model_admin).__name__} ({model.__name__}): {used}")
    assert wrong == []


def test_no_admin_redefines_who_may_see_it():
    """The module permission comes from the access class, not from each page."""
    wrong = []
    for _model, model_admin in _admins():
        for name in ("has_module_permission", "has_view_permission"):
            owner = next(
                cls for cls in type(model_admin).__mro__ if name in cls.__dict__
            )
            if owner not in (BrokerReadOnly, OperatorOnly):
                wrong.append(f"{type(model_admin).__name__}.{name} in {owner}")
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("access", "persona", "expected"),
    [
        (BrokerReadOnly, "broker", (True, True, False, False, False)),
        (BrokerReadOnly, "agency_user", (False,) * 5),
        (BrokerEditor, "broker", (True,) * 5),
        (BrokerEditor, "provider_user", (False,) * 5),
        (OperatorOnly, "broker", (False,) * 5),
        (OperatorOnly, "admin_user", (True,) * 5),
        (BrokerEditor, "admin_user", (True,) * 5),
    ],
)
def test_the_three_rules(request, access, persona, expected):
    user = request.getfixturevalue(persona)
    http = RequestFactory().get("/admin/")
    http.user = user
    page = access()
    assert tuple(getattr(page, name)(http) for name in PERMISSIONS) == expected
