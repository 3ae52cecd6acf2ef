"""A read-only JSON API over programmes, visits, itineraries, follow-ups, delegations, people,
meeting notes and lessons.

Every answer goes through the same selectors as the pages: an object outside the caller's
reach is a 404, an anonymous caller gets 401. A caller signs in with a personal API token
(``Authorization: Bearer <token>``, made on the API tokens page) or the portal's session.
Every list is paginated (``page``, ``page_size``). The OpenAPI description at
``/api/openapi.json`` is generated from the schemas in ``api.schemas``.

Read-only on purpose: a token is a bearer credential used without the portal's forms and
without CSRF protection, so a leaked one can read but never change a programme.
"""

from typing import Annotated

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Router
from ninja.errors import AuthenticationError, ValidationError
from ninja.pagination import paginate
from ninja.security import django_auth
from pydantic import BeforeValidator

from delegations.models import Participant
from delegations.selectors import delegations_for_officer, participants_for_officer, roster_for_delegation
from outcomes.models import FollowUp
from outcomes.selectors import item_notes_for_user, lessons_for_user
from visits.models import Programme, StudyVisit
from visits.selectors import (
    itinerary_for_visit,
    legs_for_participant,
    programmes_for_officer,
    visits_for_officer,
    visits_for_user,
)

from .auth import api_token_auth
from .pagination import MAX_PAGE_SIZE, PageNumbers, blank_is_missing
from .schemas import (
    DelegationOut,
    Detail,
    FollowUpOut,
    FollowUpStatus,
    ItemNoteOut,
    ItineraryOut,
    LessonOut,
    MemberOut,
    ParticipantOut,
    ProgrammeOut,
    VisitOut,
)

api = NinjaAPI(
    title="CityExchange API",
    version="1.1",
    description=(
        "Read-only. Send a personal API token (made on the portal's API tokens page) as "
        "`Authorization: Bearer <token>`, or sign in to the portal first (session cookie). Answers follow "
        "the portal's visibility: officers see their programmes, delegates their published visits, admins "
        "everything; anything else is 404. Lists take `page` and `page_size` (at most "
        f"{MAX_PAGE_SIZE})."
    ),
    # The token first: a request that presents one is answered by it alone.
    auth=[api_token_auth, django_auth],
    urls_namespace="api",
    # Served by the operation below under the URL name api:openapi; ninja's Swagger page
    # loads from a CDN, which neither this network nor the Content Security Policy allows.
    openapi_url=None,
    docs_url=None,
)

# What a caller is told when a parameter cannot be read (a page that cannot be read is a 404).
FILTER_ERRORS = {
    "programme": "programme must be a number.",
    "visit": "visit must be a number.",
    "item": "item must be a number.",
    "delegation": "delegation must be a number.",
    "organisation": "organisation must be a number.",
    "theme": "theme must be a theme's slug (letters, digits, hyphens).",
    "status": f"status must be one of {', '.join(FollowUp.Status.values)}.",
    "page_size": f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.",
}


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    detail = exc.message if exc.message != "Unauthorized" else "Authentication required."
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def _unreadable_query(request, exc):
    filters = [error["loc"][-1] for error in exc.errors if error["loc"][-1] != "page"]
    if not filters:
        return api.create_response(request, {"detail": "No such page."}, status=404)
    detail = " ".join(FILTER_ERRORS.get(name, f"{name} cannot be read.") for name in dict.fromkeys(filters))
    return api.create_response(request, {"detail": detail}, status=400)


# A primary key as PostgreSQL keeps it (bigint), so a wider number is refused in words.
IdFilter = Annotated[Annotated[int, Field(ge=0, lt=2**63)] | None, BeforeValidator(blank_is_missing)]
StatusFilter = Annotated[FollowUpStatus | None, BeforeValidator(blank_is_missing)]
SlugFilter = Annotated[
    Annotated[str, Field(max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")] | None, BeforeValidator(blank_is_missing)
]

LIST_ERRORS = {400: Detail, 401: Detail, 404: Detail}
DETAIL_ERRORS = {401: Detail, 404: Detail}


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


def _delegations(user):
    # Only the visits the caller manages are listed: another programme's visit ids stay unknown.
    managed = StudyVisit.objects.filter(pk__in=visits_for_officer(user).values("pk")).only("pk", "delegation_id")
    return (
        delegations_for_officer(user)
        .prefetch_related("home_cities", Prefetch("visits", queryset=managed.order_by("starts_on", "pk")))
        .order_by("name", "pk")
    )


programmes = Router(tags=["programmes"])
visits = Router(tags=["visits"])
follow_ups = Router(tags=["follow-ups"])
delegations = Router(tags=["delegations"])
participants = Router(tags=["participants"])
notes = Router(tags=["notes and lessons"])


@programmes.get(
    "/",
    response={200: list[ProgrammeOut], **LIST_ERRORS},
    url_name="programme_list",
    summary="Programmes you manage or travel in",
)
@paginate(PageNumbers)
def programme_list(request):
    return _programmes_for_user(request.user).prefetch_related("partner_networks").order_by("name", "pk")


@programmes.get(
    "/{int:pk}/", response={200: ProgrammeOut, **DETAIL_ERRORS}, url_name="programme_detail", summary="One programme"
)
def programme_detail(request, pk: int):
    return get_object_or_404(_programmes_for_user(request.user).prefetch_related("partner_networks"), pk=pk)


@visits.get(
    "/",
    response={200: list[VisitOut], **LIST_ERRORS},
    url_name="visit_list",
    summary="Visits you may read, latest first",
)
@paginate(PageNumbers)
def visit_list(request, programme: IdFilter = None):
    queryset = _visits(request.user)
    if programme is not None:
        queryset = queryset.filter(programme_id=programme)
    return queryset


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
    response={200: list[FollowUpOut], **LIST_ERRORS},
    url_name="follow_up_list",
    summary="Follow-ups of the visits you manage, soonest due first",
)
@paginate(PageNumbers)
def follow_up_list(request, status: StatusFilter = None, visit: IdFilter = None):
    queryset = _follow_ups(request.user)
    if status is not None:
        queryset = queryset.filter(status=status)
    if visit is not None:
        queryset = queryset.filter(visit_id=visit)
    return queryset


@follow_ups.get(
    "/{int:pk}/", response={200: FollowUpOut, **DETAIL_ERRORS}, url_name="follow_up_detail", summary="One follow-up"
)
def follow_up_detail(request, pk: int):
    return get_object_or_404(_follow_ups(request.user), pk=pk)


@delegations.get(
    "/",
    response={200: list[DelegationOut], **LIST_ERRORS},
    url_name="delegation_list",
    summary="Delegations you manage (officers)",
)
@paginate(PageNumbers)
def delegation_list(request, visit: IdFilter = None):
    queryset = _delegations(request.user)
    if visit is not None:
        queryset = queryset.filter(visits=visit)
    return queryset


@delegations.get(
    "/{int:pk}/",
    response={200: DelegationOut, **DETAIL_ERRORS},
    url_name="delegation_detail",
    summary="One delegation (officers)",
)
def delegation_detail(request, pk: int):
    return get_object_or_404(_delegations(request.user), pk=pk)


@delegations.get(
    "/{int:pk}/members/",
    response={200: list[MemberOut], **LIST_ERRORS},
    url_name="delegation_members",
    summary="A delegation's roster: each member's role and status (officers)",
)
@paginate(PageNumbers)
def delegation_members(request, pk: int):
    delegation = get_object_or_404(delegations_for_officer(request.user), pk=pk)
    return (
        roster_for_delegation(delegation)
        .select_related("delegation")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )


@participants.get(
    "/",
    response={200: list[ParticipantOut], **LIST_ERRORS},
    url_name="participant_list",
    summary="People you manage (officers), by last name",
)
@paginate(PageNumbers)
def participant_list(request, delegation: IdFilter = None, organisation: IdFilter = None):
    queryset = participants_for_officer(request.user).order_by("last_name", "first_name", "pk")
    if delegation is not None:
        queryset = queryset.filter(memberships__delegation_id=delegation)
    if organisation is not None:
        queryset = queryset.filter(organisation_id=organisation)
    return queryset


@participants.get(
    "/{int:pk}/",
    response={200: ParticipantOut, **DETAIL_ERRORS},
    url_name="participant_detail",
    summary="One person (officers)",
)
def participant_detail(request, pk: int):
    return get_object_or_404(participants_for_officer(request.user), pk=pk)


@notes.get(
    "/notes/",
    response={200: list[ItemNoteOut], **LIST_ERRORS},
    url_name="note_list",
    summary="Meeting notes of the visits you may read, in itinerary order",
)
@paginate(PageNumbers)
def note_list(request, visit: IdFilter = None, item: IdFilter = None):
    queryset = item_notes_for_user(request.user).order_by("item__starts_at", "created_at", "pk")
    if visit is not None:
        queryset = queryset.filter(item__visit_id=visit)
    if item is not None:
        queryset = queryset.filter(item_id=item)
    return queryset


@notes.get("/notes/{int:pk}/", response={200: ItemNoteOut, **DETAIL_ERRORS}, url_name="note_detail", summary="One note")
def note_detail(request, pk: int):
    return get_object_or_404(item_notes_for_user(request.user), pk=pk)


@notes.get(
    "/lessons/",
    response={200: list[LessonOut], **LIST_ERRORS},
    url_name="lesson_list",
    summary="Lessons learned on the visits you may read, by theme",
)
@paginate(PageNumbers)
def lesson_list(request, visit: IdFilter = None, theme: SlugFilter = None):
    queryset = lessons_for_user(request.user).order_by("theme__name", "created_at", "pk")
    if visit is not None:
        queryset = queryset.filter(visit_id=visit)
    if theme is not None:
        queryset = queryset.filter(theme__slug=theme)
    return queryset


@notes.get(
    "/lessons/{int:pk}/", response={200: LessonOut, **DETAIL_ERRORS}, url_name="lesson_detail", summary="One lesson"
)
def lesson_detail(request, pk: int):
    return get_object_or_404(lessons_for_user(request.user), pk=pk)


api.add_router("/programmes/", programmes)
api.add_router("/visits/", visits)
api.add_router("/follow-ups/", follow_ups)
api.add_router("/delegations/", delegations)
api.add_router("/participants/", participants)
api.add_router("/", notes)


@api.get("/openapi.json", auth=None, include_in_schema=False, url_name="openapi")
def openapi(request):
    """The OpenAPI 3 description; public, like any API documentation."""
    return api.get_openapi_schema()
