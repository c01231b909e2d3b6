"""marketplace.prepared: a query built once gives, for any ids, the rows the ORM
gives for them (dates converted as values_list converts them)."""

import pytest

from marketplace.models import User
from marketplace.prepared import prepared_rows

pytestmark = pytest.mark.django_db


def _users(ids, left_out):
    return (
        User.objects.filter(pk__in=ids)
        .exclude(pk=left_out)
        .order_by("pk")
        .values_list("pk", "username", "date_joined", "is_active")
    )


def test_prepared_rows_are_the_querys_rows_whatever_the_ids():
    users = [User.objects.create(username=f"u{n}") for n in range(4)]
    pks = [user.pk for user in users]
    for ids, left_out in (
        (pks[:3], pks[0]),
        (pks[1:], pks[3]),  # the same number of ids: the SQL built before
        ([pks[2], pks[0]], pks[1]),
        ([pks[3]], pks[3]),
    ):
        rows = prepared_rows("test users", _users, ids, left_out)
        assert rows == list(_users(ids, left_out))
    assert rows == []
    assert prepared_rows("test users", _users, pks, -1)[0][2] == users[0].date_joined


def test_a_query_that_leaves_out_an_id_it_is_given_is_refused():
    with pytest.raises(ValueError, match="every id"):
        prepared_rows(
            "test users, one id unused", lambda ids, _unused: _users(ids, 0), [1], 2
        )
