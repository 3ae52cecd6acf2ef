"""Page-number pagination for every list of the API, on ninja's ``@paginate``.

The answer keeps the shape clients had before ninja paginated it (``count``, ``next``,
``previous``, ``results``); ``page_size`` goes up to ``MAX_PAGE_SIZE``. A page past the last
is a 404, found from the count before any row is read (so no huge OFFSET reaches the database).
"""

from typing import Annotated, Any

from django.http import QueryDict
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase
from pydantic import BeforeValidator

PAGE_SIZE = 100
MAX_PAGE_SIZE = 100


def blank_is_missing(value):
    """``?status=`` or ``?programme= `` mean no filter, as a form left empty sends them."""
    if isinstance(value, str):
        return value.strip() or None
    return value


class PageNumbers(PaginationBase):
    items_attribute = "results"

    class Input(Schema):
        page: Annotated[Annotated[int, Field(ge=1)], BeforeValidator(lambda value: blank_is_missing(value) or 1)] = 1
        page_size: Annotated[
            Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)],
            BeforeValidator(lambda value: blank_is_missing(value) or PAGE_SIZE),
        ] = Field(PAGE_SIZE, description=f"Results per page, at most {MAX_PAGE_SIZE}.")

    class Output(Schema):
        count: int
        next: str | None = Field(description="The URL of the next page, if any.")
        previous: str | None = Field(description="The URL of the previous page, if any.")
        results: list[Any]

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict:
        count = self._items_count(queryset)
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        if offset and offset >= count:
            raise HttpError(404, "No such page.")
        return {
            "count": count,
            "next": self._link(request, pagination.page + 1) if offset + size < count else None,
            "previous": self._link(request, pagination.page - 1) if pagination.page > 1 else None,
            "results": queryset[offset : offset + size],
        }

    @staticmethod
    def _link(request, page: int) -> str:
        """This list's URL with its filters and page size, at another page."""
        query = QueryDict(mutable=True)
        query.update(request.GET)
        query["page"] = str(page)
        return f"{request.build_absolute_uri(request.path)}?{query.urlencode()}"
