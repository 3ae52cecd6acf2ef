"""A read-only JSON API over programmes, visits, itineraries and follow-ups.

Every answer goes through the same selectors as the pages: an object outside the caller's
reach is a 404, an anonymous caller gets 401. Times are ISO 8601: ``starts_at`` in UTC and
``local_starts_at`` in the venue's own zone, named in ``timezone``.
"""

from functools import wraps

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from outcomes.models import FollowUp

from .models import Programme, StudyVisit
from .selectors import itinerary_for_visit, programmes_for_officer, visits_for_officer, visits_for_user

PAGE_SIZE = 100


def api_view(view):
    """GET only, signed-in only (401 in JSON, not a redirect), and 404s answered in JSON."""

    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"detail": "Authentication required."}, status=401)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return JsonResponse({"detail": "Not found."}, status=404)

    return wrapper


def _page(request, queryset, serialise) -> JsonResponse:
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        return JsonResponse({"detail": "No such page."}, status=404)
    base = request.build_absolute_uri(request.path)
    return JsonResponse(
        {
            "count": paginator.count,
            "next": f"{base}?page={page.next_page_number()}" if page.has_next() else None,
            "previous": f"{base}?page={page.previous_page_number()}" if page.has_previous() else None,
            "results": [serialise(obj) for obj in page.object_list],
        }
    )


def _programmes_for_user(user):
    """Programmes the user manages, and those of visits they may read as a delegate."""
    return Programme.objects.select_related("organiser").filter(
        Q(pk__in=programmes_for_officer(user).values("pk")) | Q(pk__in=visits_for_user(user).values("programme_id"))
    )


def _programme(programme: Programme) -> dict:
    return {
        "id": programme.pk,
        "name": programme.name,
        "description": programme.description,
        "organiser": str(programme.organiser),
        "partner_networks": [str(network) for network in programme.partner_networks.all()],
    }


def _visit(visit: StudyVisit) -> dict:
    return {
        "id": visit.pk,
        "title": visit.title,
        "programme": {"id": visit.programme_id, "name": visit.programme.name},
        "status": visit.status,
        "starts_on": visit.starts_on.isoformat(),
        "ends_on": visit.ends_on.isoformat(),
        "summary": visit.summary,
        "delegation": visit.delegation.name if visit.delegation_id else None,
        "host_cities": [
            {
                "name": stop.city.name,
                "country": stop.city.country,
                "arrives_on": stop.arrives_on.isoformat(),
                "departs_on": stop.departs_on.isoformat(),
            }
            for stop in visit.stops.all()
        ],
        "themes": [theme.slug for theme in visit.themes.all()],
        "itinerary": reverse("api:visit_itinerary", args=[visit.pk]),
    }


def _item(item) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "kind": item.kind,
        "status": item.status,
        "city": item.city.name,
        "timezone": item.city.timezone,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        "local_starts_at": item.local_start.isoformat(),
        "local_ends_at": item.local_end.isoformat(),
        "venue": item.venue,
        "address": item.address,
        "hosts": [str(organisation) for organisation in item.host_organisations.all()],
        "themes": [theme.slug for theme in item.themes.all()],
    }


def _follow_up(follow_up: FollowUp) -> dict:
    owner_kind = "participant" if follow_up.owner_participant_id else "organisation"
    if follow_up.owner_city_id:
        owner_kind = "city"
    membership = follow_up.resulting_membership
    return {
        "id": follow_up.pk,
        "visit": follow_up.visit_id,
        "title": follow_up.title,
        "description": follow_up.description,
        "owner": {"kind": owner_kind, "name": str(follow_up.owner)},
        "due_on": follow_up.due_on.isoformat() if follow_up.due_on else None,
        "status": follow_up.status,
        "outcome": follow_up.outcome,
        "themes": [theme.slug for theme in follow_up.themes.all()],
        "resulting_membership": (
            {
                "city": membership.city.name,
                "network": membership.network.name,
                "status": membership.status,
                "since": membership.since.isoformat(),
            }
            if membership
            else None
        ),
    }


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


@api_view
def programme_list(request):
    programmes = _programmes_for_user(request.user).prefetch_related("partner_networks").order_by("name", "pk")
    return _page(request, programmes, _programme)


@api_view
def programme_detail(request, pk: int):
    programme = get_object_or_404(_programmes_for_user(request.user).prefetch_related("partner_networks"), pk=pk)
    return JsonResponse(_programme(programme))


@api_view
def visit_list(request):
    visits = _visits(request.user)
    if programme := request.GET.get("programme", "").strip():
        if not (programme.isascii() and programme.isdigit() and int(programme) < 2**63):
            return JsonResponse({"detail": "programme must be a number."}, status=400)
        visits = visits.filter(programme_id=int(programme))
    return _page(request, visits, _visit)


@api_view
def visit_detail(request, pk: int):
    return JsonResponse(_visit(get_object_or_404(_visits(request.user), pk=pk)))


@api_view
def visit_itinerary(request, pk: int):
    visit = get_object_or_404(visits_for_user(request.user), pk=pk)
    return JsonResponse({"visit": visit.pk, "items": [_item(item) for item in itinerary_for_visit(visit)]})


@api_view
def follow_up_list(request):
    follow_ups = _follow_ups(request.user)
    status = request.GET.get("status", "").strip()
    if status:
        if status not in FollowUp.Status.values:
            return JsonResponse({"detail": f"status must be one of {', '.join(FollowUp.Status.values)}."}, status=400)
        follow_ups = follow_ups.filter(status=status)
    return _page(request, follow_ups, _follow_up)


@api_view
def follow_up_detail(request, pk: int):
    return JsonResponse(_follow_up(get_object_or_404(_follow_ups(request.user), pk=pk)))


@require_GET
def openapi(request):
    """The OpenAPI 3 description; public, like any API documentation."""
    return JsonResponse(OPENAPI)


def _list_of(ref: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": "string", "nullable": True},
            "previous": {"type": "string", "nullable": True},
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
        },
    }


def _get(summary: str, schema: dict, *, parameters=(), detail=False) -> dict:
    responses = {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "401": {"$ref": "#/components/responses/Unauthorised"},
    }
    if detail:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    operation = {"get": {"summary": summary, "responses": responses}}
    params = list(parameters)
    if detail:
        params.append({"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}})
    else:
        params.append({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}})
    operation["get"]["parameters"] = params
    return operation


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_STRING = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_DATETIME = {"type": "string", "format": "date-time"}
_STRINGS = {"type": "array", "items": _STRING}

OPENAPI = {
    "openapi": "3.0.3",
    "info": {
        "title": "CityExchange API",
        "version": "1.0",
        "description": (
            "Read-only. Sign in to the portal first (session cookie). Answers follow the portal's visibility: "
            "officers see their programmes, delegates their published visits, admins everything; anything "
            "else is 404."
        ),
    },
    "servers": [{"url": "/api"}],
    "components": {
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sessionid"}},
        "responses": {
            "Unauthorised": {"description": "Not signed in."},
            "NotFound": {"description": "No such object within your reach."},
        },
        "schemas": {
            "Programme": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": _STRING,
                    "description": _STRING,
                    "organiser": _STRING,
                    "partner_networks": _STRINGS,
                },
            },
            "Visit": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "title": _STRING,
                    "programme": {"type": "object", "properties": {"id": {"type": "integer"}, "name": _STRING}},
                    "status": {"type": "string", "enum": StudyVisit.Status.values},
                    "starts_on": _DATE,
                    "ends_on": _DATE,
                    "summary": _STRING,
                    "delegation": {"type": "string", "nullable": True},
                    "host_cities": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": _STRING,
                                "country": _STRING,
                                "arrives_on": _DATE,
                                "departs_on": _DATE,
                            },
                        },
                    },
                    "themes": _STRINGS,
                    "itinerary": _STRING,
                },
            },
            "ItineraryItem": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "title": _STRING,
                    "kind": _STRING,
                    "status": _STRING,
                    "city": _STRING,
                    "timezone": {"type": "string", "example": "America/Chicago"},
                    "starts_at": _DATETIME,
                    "ends_at": _DATETIME,
                    "local_starts_at": _DATETIME,
                    "local_ends_at": _DATETIME,
                    "venue": _STRING,
                    "address": _STRING,
                    "hosts": _STRINGS,
                    "themes": _STRINGS,
                },
            },
            "FollowUp": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "visit": {"type": "integer"},
                    "title": _STRING,
                    "description": _STRING,
                    "owner": {
                        "type": "object",
                        "properties": {
                            "kind": {"type": "string", "enum": ["participant", "organisation", "city"]},
                            "name": _STRING,
                        },
                    },
                    "due_on": {"type": "string", "format": "date", "nullable": True},
                    "status": {"type": "string", "enum": FollowUp.Status.values},
                    "outcome": _STRING,
                    "themes": _STRINGS,
                    "resulting_membership": {
                        "type": "object",
                        "nullable": True,
                        "properties": {"city": _STRING, "network": _STRING, "status": _STRING, "since": _DATE},
                    },
                },
            },
        },
    },
    "security": [{"session": []}],
    "paths": {
        "/programmes/": _get("Programmes you manage or travel in", _list_of("Programme")),
        "/programmes/{id}/": _get("One programme", _ref("Programme"), detail=True),
        "/visits/": _get(
            "Visits you may read",
            _list_of("Visit"),
            parameters=[{"name": "programme", "in": "query", "schema": {"type": "integer"}}],
        ),
        "/visits/{id}/": _get("One visit", _ref("Visit"), detail=True),
        "/visits/{id}/itinerary/": _get(
            "A visit's itinerary in time order",
            {
                "type": "object",
                "properties": {
                    "visit": {"type": "integer"},
                    "items": {"type": "array", "items": _ref("ItineraryItem")},
                },
            },
            detail=True,
        ),
        "/follow-ups/": _get(
            "Follow-ups of the visits you manage",
            _list_of("FollowUp"),
            parameters=[
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": FollowUp.Status.values}}
            ],
        ),
        "/follow-ups/{id}/": _get("One follow-up", _ref("FollowUp"), detail=True),
    },
}
