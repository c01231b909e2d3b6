"""Every admin page of every registered model, walked with nonsense: a NUL in each list
filter and in the search box, a non-numeric id on the change, delete and history pages
and on a history record. Each answers 400 or 404, never 500; a model admin added later
is walked too, because the walk reads the admin site's registry."""

import pytest
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.test import Client
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

REFUSED = (400, 403, 404)  # 403: the page is not allowed at all (no deleting)
# Django's own answer for an object that does not exist: back to the admin index with
# a message. Accepted on the stock change and delete pages; never a 500 or a 200.
INDEX = ("/admin/", 302)


def registered():
    return sorted(
        admin.site._registry.items(), key=lambda pair: pair[0]._meta.label_lower
    )


def filter_parameters(model_admin, request) -> list[str]:
    names = ["q"]
    for spec in model_admin.get_list_filter(request):
        if isinstance(spec, str):
            names.append(f"{spec}__exact")
        elif isinstance(spec, tuple):
            names.append(f"{spec[0]}__exact")
        elif isinstance(spec, type) and issubclass(spec, SimpleListFilter):
            names.append(spec.parameter_name)
    return names


def admin_urls(model, name: str, *args) -> str | None:
    info = (model._meta.app_label, model._meta.model_name)
    try:
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def operator(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


def test_a_nul_in_any_admin_list_filter_is_refused(operator, admin_user, rf):
    request = rf.get("/")
    request.user = admin_user
    answers = []
    for model, model_admin in registered():
        url = admin_urls(model, "changelist")
        for parameter in filter_parameters(model_admin, request):
            response = operator.get(url, {parameter: "\x00"})
            answers.append((f"{url}?{parameter}=%00", response.status_code))
    wrong = [answer for answer in answers if answer[1] not in REFUSED]
    assert len(answers) > 20
    assert wrong == []


@pytest.mark.parametrize(
    "pattern",
    [
        ("change", "abc"),
        ("delete", "abc"),
        ("history", "abc"),
        ("history", "abc\x00"),
        ("history", "99999999999999999999999"),
    ],
    ids=["change", "delete", "history", "history-nul", "history-huge"],
)
def test_a_nonsense_id_on_every_admin_object_page_is_refused(operator, pattern):
    name, object_id = pattern
    answers = []
    for model, _ in registered():
        url = admin_urls(model, name, "1")
        if url is None:
            continue
        url = url.replace("/1/", f"/{object_id}/")
        response = operator.get(url)
        answers.append((url, response.status_code, response.get("Location")))
    wrong = [
        answer
        for answer in answers
        if answer[1] not in REFUSED and (answer[2], answer[1]) != INDEX
    ]
    assert answers
    assert wrong == []


def test_a_nonsense_history_record_id_is_refused(operator):
    answers = []
    for model, model_admin in registered():
        if not hasattr(model_admin, "history_form_view"):
            continue
        base = admin_urls(model, "history", "1")
        for record in ("abc", "1\x00", "99999999999999999999999"):
            url = f"{base}{record}/"
            answers.append((url, operator.get(url).status_code))
    wrong = [answer for answer in answers if answer[1] not in REFUSED]
    assert answers
    assert wrong == []
