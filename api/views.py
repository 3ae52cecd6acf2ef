"""A read-only JSON API over programmes, visits, itineraries and follow-ups.

Every answer goes through the same selectors as the pages: an object outside the caller's
reach is a 404, an anonymous caller gets 401. The OpenAPI description at
``/api/openapi.json`` is generated from the schemas in ``api.schemas``.
"""

from typing import Annotated

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth
from pydantic import BeforeValidator

from delegations.models import Participant
from outcomes.models import FollowUp
from visits.models import Programme
from visits.selectors import (
    itinerary_for_visit,
    legs_for_participant,
    programmes_for_officer,
    visits_for_officer,
    visits_for_user,
)

from .schemas import Detail, FollowUpOut, FollowUpStatus, ItineraryOut, Page, ProgrammeOut, VisitOut

PAGE_SIZE = 100

api = NinjaAPI(
    title="CityExchange API",
    version="1.0",
    description=(
        "Read-only. Sign in to the portal first (session cookie). Answers follow the portal's visibility: "
        "officers see their programmes, delegates their published visits, admins everything; anything "
        "else is 404."
    ),
    auth=django_auth,
    urls_namespace="api",
    # Served by the operation below under the URL name api:openapi; ninja's Swagger page
    # loads from a CDN, which neither this network nor the Content Security Policy allows.
    openapi_url=None,
    docs_url=None,
)

# What a caller is told when a filter cannot be read (a page that cannot be read is a 404).
FILTER_ERRORS = {
    "programme": "programme must be a number.",
    "status": f"status must be one of {', '.join(FollowUp.Status.values)}.",
}


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Authentication required."}, status=401)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def _unreadable_query(request, exc):
    filters = [error["loc"][-1] for error in exc.errors if error["loc"][-1] != "page"]
    if not filters:
        return api.create_response(request, {"detail": "No such page."}, status=404)
    detail = " ".join(FILTER_ERRORS.get(name, f"{name} cannot be read.") for name in filters)
    return api.create_response(request, {"detail": detail}, status=400)


def _blank_is_missing(value):
    """``?status=`` or ``?programme= `` mean no filter, as a form left empty sends them."""
    if isinstance(value, str):
        return value.strip() or None
    return value


# A primary key as PostgreSQL keeps it (bigint), so a wider number is refused in words.
ProgrammeFilter = Annotated[Annotated[int, Field(ge=0, lt=2**63)] | None, BeforeValidator(_blank_is_missing)]
StatusFilter = Annotated[FollowUpStatus | None, BeforeValidator(_blank_is_missing)]
PageNumber = Annotated[int, BeforeValidator(lambda value: _blank_is_missing(value) or 1)]

LIST_ERRORS = {400: Detail, 401: Detail, 404: Detail}
DETAIL_ERRORS = {401: Detail, 404: Detail}


def _page(request, queryset, number: int) -> dict:
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise HttpError(404, "No such page.") from None
    base = request.build_absolute_uri(request.path)
    return {
        "count": paginator.count,
        "next": f"{base}?page={page.next_page_number()}" if page.has_next() else None,
        "previous": f"{base}?page={page.previous_page_number()}" if page.has_previous() else None,
        "results": page.object_list,
    }


def _programmes_for_user(user):
    """Programmes the user manages, and those of visits they may read as a delegate."""
    return Programme.objects.select_related("organiser").filter(
        Q(pk__in=programmes_for_officer(user).values("pk")) | Q(pk__in=visits_for_user(user).values("programme_id"))
    )


def _visits(user):
    return visits_for_user(user).prefetch_related("stops__city", "themes").order_by("-starts_on", "pk")


def _follow_ups(user):
    return (
        FollowUp.objects.filter(visit__in=visits_for_officer(user).values("pk"))
        .select_related(
            "owner_participant",
            "owner_organisation",
            "owner_city",
            "resulting_membership__city",
            "resulting_membership__network",
        )
        .prefetch_related("themes")
        .order_by("due_on", "pk")
    )


programmes = Router(tags=["programmes"])
visits = Router(tags=["visits"])
follow_ups = Router(tags=["follow-ups"])


@programmes.get(
    "/",
    response={200: Page[ProgrammeOut], **LIST_ERRORS},
    url_name="programme_list",
    summary="Programmes you manage or travel in",
)
def programme_list(request, page: PageNumber = 1):
    queryset = _programmes_for_user(request.user).prefetch_related("partner_networks").order_by("name", "pk")
    return _page(request, queryset, page)


@programmes.get(
    "/{int:pk}/", response={200: ProgrammeOut, **DETAIL_ERRORS}, url_name="programme_detail", summary="One programme"
)
def programme_detail(request, pk: int):
    return get_object_or_404(_programmes_for_user(request.user).prefetch_related("partner_networks"), pk=pk)


@visits.get(
    "/",
    response={200: Page[VisitOut], **LIST_ERRORS},
    url_name="visit_list",
    summary="Visits you may read, latest first",
)
def visit_list(request, programme: ProgrammeFilter = None, page: PageNumber = 1):
    queryset = _visits(request.user)
    if programme is not None:
        queryset = queryset.filter(programme_id=programme)
    return _page(request, queryset, page)


@visits.get("/{int:pk}/", response={200: VisitOut, **DETAIL_ERRORS}, url_name="visit_detail", summary="One visit")
def visit_detail(request, pk: int):
    return get_object_or_404(_visits(request.user), pk=pk)


@visits.get(
    "/{int:pk}/itinerary/",
    response={200: ItineraryOut, **DETAIL_ERRORS},
    url_name="visit_itinerary",
    summary="A visit's itinerary in time order",
)
def visit_itinerary(request, pk: int):
    visit = get_object_or_404(visits_for_user(request.user), pk=pk)
    if visits_for_officer(request.user).filter(pk=visit.pk).exists():
        legs = legs_for_participant([visit.pk], None)
    else:
        # A delegate: the whole delegation's legs and the sub-groups' that list them.
        legs = legs_for_participant([visit.pk], Participant.objects.filter(user=request.user).first())
    return {"visit": visit.pk, "items": list(itinerary_for_visit(visit)), "legs": list(legs)}


@follow_ups.get(
    "/",
    response={200: Page[FollowUpOut], **LIST_ERRORS},
    url_name="follow_up_list",
    summary="Follow-ups of the visits you manage, soonest due first",
)
def follow_up_list(request, status: StatusFilter = None, page: PageNumber = 1):
    queryset = _follow_ups(request.user)
    if status is not None:
        queryset = queryset.filter(status=status)
    return _page(request, queryset, page)


@follow_ups.get(
    "/{int:pk}/", response={200: FollowUpOut, **DETAIL_ERRORS}, url_name="follow_up_detail", summary="One follow-up"
)
def follow_up_detail(request, pk: int):
    return get_object_or_404(_follow_ups(request.user), pk=pk)


api.add_router("/programmes/", programmes)
api.add_router("/visits/", visits)
api.add_router("/follow-ups/", follow_ups)


@api.get("/openapi.json", auth=None, include_in_schema=False, url_name="openapi")
def openapi(request):
    """The OpenAPI 3 description; public, like any API documentation."""
    return api.get_openapi_schema()
