"""The session store: Django's database sessions, read with one plain SQL statement.

Every signed-in page reads its session first. Django's store builds that look-up through the
ORM each time, which costs several times the SELECT itself; this store sends the same SELECT
(by primary key, unexpired only) straight to the connection. Writing, expiry and clearing are
Django's own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        if not self.session_key:
            return {}
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                _session_query(alias, self.model._meta.db_table), [self.session_key, now]
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])  # a corrupted session decodes to {} and is logged


@cache
def _session_query(alias: str, table: str) -> str:
    quoted = connections[alias].ops.quote_name(table)
    return f"SELECT session_data FROM {quoted} WHERE session_key = %s AND expire_date > %s"  # noqa: S608 - a quoted table name
