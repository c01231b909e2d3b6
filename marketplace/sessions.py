"""Sessions in the database (``SESSION_ENGINE``), read with one plain statement.

Django's database sessions, unchanged in what they store and when (the same table,
cookie, expiry, sign-out and key rotation), except the read of a request's session:
every signed-in request makes it, and building and compiling the ORM's query for it
cost ten times the query itself (docs/performance.md, the brokers' dashboard). The
statement is the ORM's: the row of this key whose expiry is still ahead.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _session_data(self) -> str | None:
        """The stored data of this session, ``None`` when there is no such session
        or it has expired."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "  # noqa: S608  # nosec B608 - names from the model, values as parameters
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        return row[0] if row else None

    def load(self):
        data = self._session_data() if self.session_key else None
        if data is None:
            # As Django's store does: a session that is not there (expired, signed
            # out elsewhere, never made) is a new one, with a new key if it is saved.
            self._session_key = None
            return {}
        return self.decode(data)
