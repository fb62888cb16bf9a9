"""How every /api/v1 list is paged: `page` and `page_size` in, an `X-Pagination` header out.

    @bp.get("/alerts")
    @bp.response(200, AlertOut(many=True))
    @paginated(bp)
    def list_alerts(pagination_parameters):
        return page_of(select(Alert).order_by(Alert.id), pagination_parameters)

flask-smorest's `paginate` reads and bounds the parameters (a bad one is a 422 naming it), documents
them and the header in the OpenAPI document, and writes the header from the total that `page_of`
counts. A page costs two statements (the count and the rows), whatever its size; relations the
output needs are loaded with `selectinload` on the query, one statement each. A page of rows (`rows`)
costs one: each row carries the total from the same count as a scalar subquery, and only a page that
comes back empty though it is not the first (past the last) counts apart. Each page of rows is kept
with its query for as long as the query lives: a query the caller keeps (`queries.team_people_listed`)
has its pages built once, and SQLAlchemy finds them compiled; a query built for one request takes its
pages with it when it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func, select

from tracker.extensions import db

PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# OFFSET is a 64-bit integer in PostgreSQL and SQLite: a page beyond it is past the last of any list.
MAX_OFFSET = 2**63 - 1
TOTAL = "paging_total"
# Each query's counted pages, by first item and size, for as long as the query itself is kept.
_COUNTED_PAGES: WeakKeyDictionary[Select[Any], dict[tuple[int, int], Select[Any]]] = WeakKeyDictionary()
PAGES_KEPT = 64


def paginated(bp: Blueprint) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The one pagination decorator: the view gets `pagination_parameters` and returns `page_of(...)`."""
    decorator: Callable[[Callable[..., Any]], Callable[..., Any]] = bp.paginate(
        page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE
    )
    return decorator


def page_of(query: Select[Any], pagination: PaginationParameters, rows: bool = False) -> Sequence[Any]:
    """The requested page of an ordered query's objects (with `rows`, its rows of columns), recording the
    total for the header. The rows carry the total as one more column, which the output ignores."""
    if rows and pagination.first_item <= MAX_OFFSET:
        # On the session's connection: rows need none of the ORM's loading.
        found = db.session.connection().execute(_counted_page(query, pagination)).all()
        if found or pagination.first_item == 0:
            pagination.item_count = found[0][-1] if found else 0
            return found
    pagination.item_count = db.session.scalar(_total(query)) or 0
    # A page past the last is empty; asking the database for it could overflow its OFFSET.
    if pagination.first_item >= pagination.item_count:
        return []
    page = _page(query, pagination)
    if rows:
        return db.session.execute(page).all()
    return db.session.scalars(page).unique().all()


def _total(query: Select[Any]) -> Select[Any]:
    return select(func.count()).select_from(query.order_by(None).subquery())


def _counted_page(query: Select[Any], pagination: PaginationParameters) -> Select[Any]:
    """The page's rows, each with the total as one more column; kept with the query."""
    pages = _COUNTED_PAGES.setdefault(query, {})
    key = (pagination.first_item, pagination.page_size)
    page = pages.get(key)
    if page is None:
        if len(pages) >= PAGES_KEPT:
            pages.clear()
        page = pages[key] = _page(query.add_columns(_total(query).scalar_subquery().label(TOTAL)), pagination)
    return page


def _page(query: Select[Any], pagination: PaginationParameters) -> Select[Any]:
    return query.offset(pagination.first_item).limit(pagination.page_size)
