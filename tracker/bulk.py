"""Many rows in one statement: unnest() over arrays on PostgreSQL, executemany on SQLite.

A release list writes tens of thousands of rows. psycopg sends an executemany as one statement per
row, and SQLAlchemy's multi-row VALUES costs more to render and parse than the database takes to run
it; one INSERT ... SELECT FROM unnest(arrays) per table sends each column once, whatever the number
of rows, and a column with one value for every row (a default, the source of an import) as a single
value. SQLite runs in process, where executemany is already cheap. Column defaults are filled in here
as the ORM would, once per statement.
"""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    FromClause,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)

from tracker.extensions import db

Rows = list[dict[str, Any]]


def insert_rows(into: FromClause, rows: Rows, *, ids: bool = False) -> list[int]:
    """Insert the rows (each with the same keys) into a model's table (`Model.__table__`); with `ids`,
    their new ids in the rows' order."""
    table = cast(Table, into)
    if not rows:
        return []
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return _executemany(connection, table, rows, ids)
    rows = _with_defaults(table, rows, "default")
    names = list(rows[0])
    selected, source, params = _unnested(connection, table, names, rows, varying={names[0]})
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {', '.join(selected.values())} "
        f"FROM {source} ORDER BY u.n"
    )
    if not ids:
        connection.execute(text(sql), params)
        return []
    # Identity values are drawn in the order of the SELECT, so sorted they follow the rows
    # (the same assumption SQLAlchemy's own insertmanyvalues makes on PostgreSQL).
    return sorted(connection.execute(text(sql + " RETURNING id"), params).scalars())


def _executemany(connection: Connection, table: Table, rows: Rows, ids: bool) -> list[int]:
    # SQLite cannot say in which order RETURNING gives the ids of one statement, and SQLAlchemy falls
    # back to a statement a row. The transaction holds the write lock from its first write, and a new
    # row's id is one more than the largest, so the ids past the largest before are these rows', in order.
    if not ids:
        connection.execute(insert(table), rows)
        return []
    before = connection.execute(select(func.max(table.c.id))).scalar() or 0
    connection.execute(insert(table), rows)
    new = list(
        connection.execute(select(table.c.id).where(table.c.id > before).order_by(table.c.id)).scalars()
    )
    if len(new) != len(rows):
        raise RuntimeError(f"{table.name}: {len(rows)} rows inserted, {len(new)} new ids found")
    return new


def update_rows(table: Table, rows: Rows, keys: tuple[str, ...] = ("id",)) -> None:
    """UPDATE each row found by its `keys` columns (each row with the same keys), in one statement."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        where = [table.c[key] == bindparam(f"_{key}") for key in keys]
        renamed = [{(f"_{k}" if k in keys else k): v for k, v in row.items()} for row in rows]
        connection.execute(update(table).where(*where), renamed)
        return
    rows = _with_defaults(table, rows, "onupdate")
    names = list(rows[0])
    selected, source, params = _unnested(connection, table, names, rows, varying=set(keys))
    sets = ", ".join(f"{name} = {value}" for name, value in selected.items() if name not in keys)
    found = " AND ".join(f"{table.name}.{key} = {selected[key]}" for key in keys)
    connection.execute(text(f"UPDATE {table.name} SET {sets} FROM {source} WHERE {found}"), params)


def _unnested(
    connection: Connection, table: Table, names: list[str], rows: Rows, varying: set[str]
) -> tuple[dict[str, str], str, dict[str, Any]]:
    """Each column's value in the SELECT, the FROM clause, and the parameters.

    A column whose value differs between rows (or is named in `varying`) is an array unnested into
    u.cN; one whose value is the same in every row is a single parameter.
    """
    selected: dict[str, str] = {}
    arrays: list[str] = []
    aliases: list[str] = []
    params: dict[str, Any] = {}
    for n, name in enumerate(names):
        column = table.c[name]
        values = _bound(connection, column, [row[name] for row in rows])
        sql_type = column.type.compile(dialect=connection.dialect)
        if name not in varying and all(value == values[0] for value in values):
            params[f"p{n}"] = values[0]
            selected[name] = f"CAST(:p{n} AS {sql_type})"
        else:
            params[f"p{n}"] = values
            arrays.append(f"CAST(:p{n} AS {sql_type}[])")
            aliases.append(f"c{n}")
            selected[name] = f"u.c{n}"
    source = f"unnest({', '.join(arrays)}) WITH ORDINALITY AS u({', '.join(aliases)}, n)"
    return selected, source, params


def _bound(connection: Connection, column: Column[Any], values: list[Any]) -> list[Any]:
    """The values as the column's type binds them (JSON as its text, cast back in the statement)."""
    if isinstance(column.type, JSON):
        return [json.dumps(value) for value in values]
    dialect = connection.dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return [process(value) for value in values] if process else values


def _with_defaults(table: Table, rows: Rows, which: str) -> Rows:
    """The rows with each absent column's Python-side default (or onupdate), as Core would add it."""
    extra = {}
    for column in table.columns:
        generated: Any = getattr(column, which)
        if column.name in rows[0] or generated is None or column.primary_key:
            continue
        extra[column.name] = generated.arg(None) if generated.is_callable else generated.arg
    return [row | extra for row in rows] if extra else rows
