"""Queries compiled once (``marketplace.prepared``): the rows and instances are the
ORM's for any values, converted as the ORM converts them, and a second call
compiles nothing."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models import BooleanField, F, Value
from django.db.models.functions import Concat
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from marketplace.models import User
from marketplace.prepared import PreparedQuery
from tests.brokering.factories import AgencyFactory

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "username", "date_joined", "last_login", "is_active")


@pytest.fixture
def users():
    joined = timezone.now() - datetime.timedelta(days=3)
    agency = AgencyFactory()
    return [
        User.objects.create(
            username=name,
            email=f"{name}@example.gov",
            date_joined=joined,
            last_login=None if n else joined,
            is_active=bool(n % 2),
            agency=agency if n < 2 else None,
        )
        for n, name in enumerate(["ada", "bob", "cyd"])
    ]


def by_name(shape, username):
    return User.objects.filter(username=username).order_by("pk").values_list(*FIELDS)


def test_rows_are_the_querysets_for_each_value(users):
    prepared = PreparedQuery(by_name)
    for user in [*users, users[0]]:
        expected = list(by_name(None, user.username))
        found = prepared.rows(username=user.username)
        assert found == [tuple(row) for row in expected]
        # Converted as the ORM converts them (SQLite stores text).
        assert isinstance(found[0][2], datetime.datetime)
    assert prepared.rows(username="nobody") == []


def test_a_value_is_bound_wherever_it_goes(users):
    def either(shape, first, second):
        return (
            User.objects.filter(username__in=[first, second])
            .annotate(greeting=Concat(Value("hi "), F("username")))
            .order_by("username")
            .values_list("username", "greeting")
        )

    prepared = PreparedQuery(either)
    assert prepared.rows(first="cyd", second="ada") == [
        ("ada", "hi ada"),
        ("cyd", "hi cyd"),
    ]
    assert prepared.rows(first="bob", second="bob") == [("bob", "hi bob")]


def test_a_second_call_compiles_nothing(users):
    prepared = PreparedQuery(by_name)
    prepared.rows(username="ada")
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError):
        assert prepared.rows(username="bob")[0][1] == "bob"


def test_shapes_are_compiled_apart(users):
    def page(shape, username):
        start, stop = shape
        return User.objects.exclude(username=username).order_by("username")[start:stop]

    prepared = PreparedQuery(
        lambda shape, username: page(shape, username).values_list("username")
    )
    assert prepared.rows((0, 1), username="ada") == [("bob",)]
    assert prepared.rows((1, 2), username="ada") == [("cyd",)]
    assert prepared.rows((0, 2), username="bob") == [("ada",), ("cyd",)]
    # A slice that reads nothing.
    assert prepared.rows((1, 1), username="ada") == []


def test_instances_are_the_orms(users, django_assert_num_queries):
    prepared = PreparedQuery(
        lambda shape, username: (
            User.objects.filter(username=username)
            .select_related("agency")
            .annotate(shout=Concat(F("username"), Value("!")))
            .defer("password")
        )
    )
    with django_assert_num_queries(1):
        (ada,) = prepared.instances(username="ada")
        assert ada.agency.name == users[0].agency.name  # read with it
        assert ada.shout == "ada!"
        assert ada.date_joined == users[0].date_joined
    assert ada == users[0]
    assert ada.get_deferred_fields() == {"password"}
    (cyd,) = prepared.instances(username="cyd")
    assert cyd.agency is None
    assert prepared.instances(username="nobody") == []


def test_a_value_the_sql_would_hold_is_refused(users):
    # Written into the SQL's text, not passed as a parameter: it could not be
    # bound again.
    prepared = PreparedQuery(
        lambda shape, username: User.objects.extra(  # noqa: S610
            where=[f"username <> '{username}'"]
        ).values_list("pk")
    )
    with pytest.raises(ValueError, match="username"):
        prepared.rows(username="ada")


def test_only_ids_and_text_are_values():
    prepared = PreparedQuery(by_name)
    with pytest.raises(TypeError):
        prepared.rows(username=None)


def _users(shape, ids, left_out):
    return (
        User.objects.filter(pk__in=ids)
        .exclude(pk=left_out)
        .order_by("pk")
        .values_list("pk", "username", "date_joined", "is_active")
    )


def test_a_list_of_ids_is_bound_element_by_element_and_compiled_per_length(users):
    prepared = PreparedQuery(_users)
    pks = [user.pk for user in users]
    for ids, left_out in (
        (pks[:2], pks[0]),
        (pks[1:], pks[2]),  # the same length: the SQL compiled before
        ([pks[2], pks[0], pks[1]], pks[1]),
        ([pks[2]], pks[2]),
        ([], pks[0]),
    ):
        rows = prepared.rows(ids=ids, left_out=left_out)
        assert rows == [tuple(row) for row in _users(None, ids, left_out)]
    assert rows == []
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError):
        assert [row[0] for row in prepared.rows(ids=pks[:2], left_out=-1)] == pks[:2]
    with pytest.raises(TypeError):
        prepared.rows(ids=[pks[0], "x"], left_out=-1)


def test_a_rewritten_value_is_refused_or_built_every_time(users):
    def named(shape, part):
        return User.objects.filter(username__icontains=part).values_list("username")

    with pytest.raises(ValueError, match="part"):
        PreparedQuery(named).rows(part="d")
    rebuilt = PreparedQuery(named, may_rebuild=True)
    assert sorted(rebuilt.rows(part="d")) == [("ada",), ("cyd",)]
    assert rebuilt.rows(part="bo") == [("bob",)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="arrays as parameters are PostgreSQL's"
)
def test_a_list_bound_whole_is_compiled_once_whatever_its_length(users):
    from django.db.models.expressions import RawSQL

    prepared = PreparedQuery(
        lambda shape, ids: (
            User.objects.filter(
                RawSQL("id = ANY(%s::bigint[])", (ids,), output_field=BooleanField())
            )
            .order_by("pk")
            .values_list("username")
        )
    )
    pks = [user.pk for user in users]
    assert prepared.rows(ids=pks[:1]) == [("ada",)]
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError):
        assert prepared.rows(ids=pks) == [("ada",), ("bob",), ("cyd",)]
        assert prepared.rows(ids=[]) == []
