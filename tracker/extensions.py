"""Flask extensions, created unbound; create_app() binds them with init_app()."""

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import ColumnElement, MetaData, any_, literal_column
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Views commit and then dump what they loaded: expiring on commit would reload every row.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# Models subclass Model: flask-sqlalchemy builds db.Model at run time from Base, which a type checker
# cannot follow through an instance attribute, so it is shown the declarative base it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
api = Api()
# Pages check CSRF in their own blueprint (WTF_CSRF_CHECK_DEFAULT is off):
# the API and the webhooks authenticate otherwise.
csrf = CSRFProtect()
# Storage comes from RATELIMIT_STORAGE_URI, so production workers share one count (Redis).
limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    """Bind every extension to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    login_manager.init_app(app)
    api.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)


def among(column, ids) -> ColumnElement[bool]:
    """`column IN ids` for a batch of integer ids: one array constant on PostgreSQL (`= ANY`).

    An IN list of a chunk's 2,000 ids is 2,000 bind parameters that SQLAlchemy expands and psycopg
    parses again for every statement, and a list parameter psycopg dumps element by element in Python.
    The ids are integers (int() of each, so nothing else can reach the SQL), written as one constant
    the planner sees, as it saw the IN list: it keeps choosing the indexes.
    """
    ids = sorted({int(i) for i in ids})
    if db.engine.dialect.name == "postgresql":
        return column == any_(literal_column(f"'{array_literal(ids)}'::integer[]"))
    return column.in_(ids)


def array_literal(values) -> str:
    """A PostgreSQL array in its text form ('{1,2,NULL}', '{"a \\"b\\""}') for CAST(:x AS type[]).

    psycopg dumps a Python list element by element in Python; thousands of ids cost more that way than
    the statement they go into. Strings are quoted and escaped; None is NULL; dates and numbers as str().
    """
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join(_element(v) for v in values) + "}"


def _element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def hold_transaction() -> None:
    """Open the session's transaction now, so savepoints nest inside it and only its commit commits.

    pysqlite begins a transaction only before a write: a SAVEPOINT sent first runs outside any, and
    its RELEASE commits, so work meant to be undone as a whole (a fenced job) would already be kept.
    On SQLite it takes the write lock at once (IMMEDIATE), as a read snapshot cannot always become a
    writer later; PostgreSQL is in a transaction already.
    """
    connection = db.session.connection()
    dbapi = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and dbapi is not None and not dbapi.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
