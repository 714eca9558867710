"""The authentication backend: Django's ModelBackend, loading the signed-in user with one plain
SQL statement.

Every signed-in page loads its user after its session; the ORM's `get(pk=...)` costs several
times the SELECT itself. Passwords, permissions and `is_active` are ModelBackend's own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router


class Backend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except Exception:  # a session naming no valid id signs nobody in
            return None
        alias = router.db_for_read(model)
        sql, attnames, converters = _user_query(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        values = [convert(value) for convert, value in zip(converters, row, strict=True)]
        user = model.from_db(alias, attnames, values)
        return user if self.user_can_authenticate(user) else None


@cache
def _user_query(alias: str) -> tuple[str, list[str], list[Callable[[Any], Any]]]:
    """The SELECT, the attribute names and, per column, what the ORM would do to the value it
    reads (the backend's converters, e.g. SQLite's datetimes, then the field's own)."""
    model = get_user_model()
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = list(model._meta.concrete_fields)
    sql = (
        f"SELECT {', '.join(quote(f.column) for f in fields)} "  # noqa: S608 - quoted names
        f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = %s"
    )
    return sql, [f.attname for f in fields], [_converter(connection, f) for f in fields]


def _converter(connection: Any, field: Any) -> Callable[[Any], Any]:
    column = field.cached_col
    steps = connection.ops.get_db_converters(column) + column.get_db_converters(connection)

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, column, connection)
        return value

    return convert
