"""Reading the signed-in user of a request.

Every signed-in request reads its user (``AuthenticationMiddleware``, through the
backend that signed the user in): :func:`user_by_pk` reads the row with one plain
statement, as the ORM's ``get(pk=...)`` would, without building and compiling the
ORM's query each time (that cost several times the query itself: docs/performance.md,
the brokers' dashboard). What is checked of the user is unchanged: the session's
password hash by Django, ``is_active`` by the backend, the role by each view.
"""

from typing import TYPE_CHECKING

from django.contrib.auth import backends, get_user_model
from django.db import connections, router

if TYPE_CHECKING:
    from marketplace.models import User


def user_by_pk(user_id) -> "User | None":
    """The user whose primary key is ``user_id``, or ``None``."""
    model = get_user_model()
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(str(field.column)) for field in model._meta.concrete_fields
    )
    key = str(model._meta.pk.column)
    sql = (
        f"SELECT {columns} FROM {quote(model._meta.db_table)} "  # noqa: S608  # nosec B608 - names from the model, the value as a parameter
        f"WHERE {quote(key)} = %s"
    )
    return next(iter(model._default_manager.raw(sql, [user_id])), None)


class ModelBackend(backends.ModelBackend):
    """Django's username-and-password backend; the user of a signed-in request is
    read by :func:`user_by_pk`."""

    def get_user(self, user_id):
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
