import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from outcomes.models import FollowUp, ItemNote, Lesson
from visits.models import Programme, StudyVisit
from visits.services import travel_leg_update

pytestmark = pytest.mark.django_db

NOVEMBER_2019 = "Belgian delegation in Nashville, Chattanooga and Washington DC"


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return StudyVisit.objects.get(title=NOVEMBER_2019)


def _as(client, email):
    client.force_login(get_user_model().objects.get(email=email))
    return client


def _urls(demo) -> dict[str, str]:
    follow_up = FollowUp.objects.filter(visit=demo).first()
    return {
        "programme_list": reverse("api:programme_list"),
        "programme_detail": reverse("api:programme_detail", args=[demo.programme_id]),
        "visit_list": reverse("api:visit_list"),
        "visit_detail": reverse("api:visit_detail", args=[demo.pk]),
        "visit_itinerary": reverse("api:visit_itinerary", args=[demo.pk]),
        "follow_up_list": reverse("api:follow_up_list"),
        "follow_up_detail": reverse("api:follow_up_detail", args=[follow_up.pk]),
    }


def test_every_endpoint_answers_401_to_anonymous_callers(client, demo):
    for url in _urls(demo).values():
        response = client.get(url)
        assert (url, response.status_code) == (url, 401)


def test_objects_of_another_programme_are_not_found(client, demo):
    other_officer = _as(client, "officer2@example.org")
    urls = _urls(demo)

    for name in ("programme_detail", "visit_detail", "visit_itinerary", "follow_up_detail"):
        assert (name, other_officer.get(urls[name]).status_code) == (name, 404)
    titles = [visit["title"] for visit in other_officer.get(urls["visit_list"]).json()["results"]]
    assert titles == ["Strasbourg delegation in Barcelona"]
    assert other_officer.get(urls["follow_up_list"]).json()["count"] == 0


def test_delegate_reads_their_visits_but_not_drafts_or_follow_ups(client, demo):
    delegate = _as(client, "delegate@example.org")
    draft = StudyVisit.objects.get(status=StudyVisit.Status.DRAFT, programme=demo.programme)
    urls = _urls(demo)

    visits = delegate.get(urls["visit_list"]).json()["results"]
    itinerary = delegate.get(urls["visit_itinerary"]).json()["items"]

    assert [visit["title"] for visit in visits] == [NOVEMBER_2019]
    assert delegate.get(reverse("api:visit_detail", args=[draft.pk])).status_code == 404
    assert delegate.get(reverse("api:visit_itinerary", args=[draft.pk])).status_code == 404
    assert delegate.get(urls["follow_up_detail"]).status_code == 404
    assert delegate.get(urls["follow_up_list"]).json()["count"] == 0
    assert itinerary[0]["title"] == "Welcome dinner with Meridian"
    assert itinerary[0]["local_starts_at"] == "2019-11-03T19:00:00-06:00"
    assert itinerary[0]["timezone"] == "America/Chicago"
    legs = delegate.get(urls["visit_itinerary"]).json()["legs"]
    assert [(leg["from_city"], leg["local_departs_at"], leg["to_city"], leg["local_arrives_at"]) for leg in legs] == [
        ("Brussels", "2019-11-03T10:05:00+01:00", "Nashville", "2019-11-03T16:40:00-06:00"),
        ("Nashville", "2019-11-05T11:00:00-06:00", "Chattanooga", "2019-11-05T14:15:00-05:00"),
        ("Chattanooga", "2019-11-06T18:10:00-05:00", "Washington", "2019-11-06T20:05:00-05:00"),
        ("Washington", "2019-11-09T17:45:00-05:00", "Brussels", "2019-11-10T07:45:00+01:00"),
    ]
    assert {leg["whole_delegation"] for leg in legs} == {True}


def test_officer_reads_follow_ups_with_their_membership_outcome(client, demo):
    officer = _as(client, "officer@example.org")

    follow_ups = officer.get(reverse("api:follow_up_list"), {"status": "in_progress"}).json()["results"]

    assert [f["title"] for f in follow_ups] == ["Liège joins the Strong Cities Network"]
    assert follow_ups[0]["owner"] == {"kind": "city", "name": "Liège (BE)"}
    assert follow_ups[0]["resulting_membership"] == {
        "city": "Liège",
        "network": "Strong Cities Network",
        "status": "applying",
        "since": "2019-11-15",
    }


def test_api_refuses_bad_filters_in_words(client, demo):
    officer = _as(client, "officer@example.org")

    response = officer.get(reverse("api:follow_up_list"), {"status": "late"})

    assert response.status_code == 400
    assert response.json() == {"detail": "status must be one of open, in_progress, done, dropped."}
    assert officer.get(reverse("api:visit_list"), {"programme": "x"}).status_code == 400
    assert officer.get(reverse("api:visit_list"), {"page": "9"}).status_code == 404


def test_api_refuses_writes(client, demo):
    officer = _as(client, "officer@example.org")

    assert officer.post(reverse("api:visit_list")).status_code == 405


def _api_paths() -> set[str]:
    """Every operation the API routes, as OpenAPI writes its path (``{pk}`` for ``<int:pk>``)."""
    from api.views import api

    paths = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            if any(operation.include_in_schema for operation in view.operations):
                full = "/api/" + "/".join(part.strip("/") for part in (prefix, path) if part.strip("/")) + "/"
                paths.add(full.replace("{int:", "{"))
    return paths


def test_openapi_describes_every_endpoint(client):
    spec = client.get(reverse("api:openapi")).json()

    assert spec["openapi"] == "3.1.0"
    assert sorted(spec["paths"]) == sorted(_api_paths())
    assert sorted(spec["paths"]) == [
        "/api/delegations/",
        "/api/delegations/{pk}/",
        "/api/delegations/{pk}/members/",
        "/api/follow-ups/",
        "/api/follow-ups/{pk}/",
        "/api/lessons/",
        "/api/lessons/{pk}/",
        "/api/notes/",
        "/api/notes/{pk}/",
        "/api/participants/",
        "/api/participants/{pk}/",
        "/api/programmes/",
        "/api/programmes/{pk}/",
        "/api/visits/",
        "/api/visits/{pk}/",
        "/api/visits/{pk}/itinerary/",
    ]


def test_openapi_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

    spec = client.get(reverse("api:openapi")).json()

    validate(spec, cls=OpenAPIV31SpecValidator)


def test_openapi_names_bearer_tokens_and_the_session_on_every_operation(client):
    spec = client.get(reverse("api:openapi")).json()

    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["type"] == "apiKey"
    security = {path: operations["get"]["security"] for path, operations in spec["paths"].items()}
    assert {str(value) for value in security.values()} == {str([{"ApiTokenAuth": []}, {"SessionAuth": []}])}


def test_openapi_lists_take_page_and_a_bounded_page_size(client):
    spec = client.get(reverse("api:openapi")).json()

    for path, operations in spec["paths"].items():
        parameters = {p["name"]: p["schema"] for p in operations["get"].get("parameters", []) if p["in"] == "query"}
        if path.endswith("{pk}/") or path.endswith("/itinerary/"):
            assert "page" not in parameters, path
            continue
        assert parameters["page"]["minimum"] == 1, path
        assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 100), path


def _response_schema(spec, path, status="200"):
    schema = spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]


def _properties(spec, schema) -> dict:
    ref = schema.get("$ref") or schema["items"]["$ref"]
    return spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]


def test_openapi_is_generated_from_the_response_schemas(client):
    spec = client.get(reverse("api:openapi")).json()

    itinerary = _response_schema(spec, "/api/visits/{pk}/itinerary/")
    item = _properties(spec, itinerary["properties"]["items"])
    visits = _response_schema(spec, "/api/visits/")
    visit = _properties(spec, visits["properties"]["results"])
    follow_up = _response_schema(spec, "/api/follow-ups/{pk}/")["properties"]

    assert sorted(itinerary["properties"]) == ["items", "legs", "visit"]
    leg = _properties(spec, itinerary["properties"]["legs"])
    assert leg["local_arrives_at"] == {"format": "date-time", "title": "Local Arrives At", "type": "string"}
    assert item["local_starts_at"] == {"format": "date-time", "title": "Local Starts At", "type": "string"}
    assert item["timezone"]["type"] == "string"
    assert sorted(visits["properties"]) == ["count", "next", "previous", "results"]
    assert visit["status"]["enum"] == StudyVisit.Status.values
    assert follow_up["status"]["enum"] == FollowUp.Status.values
    assert spec["paths"]["/api/visits/{pk}/"]["get"]["responses"]["404"]["description"] == "Not Found"


def test_openapi_gives_every_path_its_response_schemas(client):
    spec = client.get(reverse("api:openapi")).json()

    responses = {
        path: {status: answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]}
        for path, operations in spec["paths"].items()
        for status, answer in operations["get"]["responses"].items()
        if status == "200"
    }
    errors = {path: sorted(operations["get"]["responses"]) for path, operations in spec["paths"].items()}

    assert responses == {
        "/api/programmes/": {"200": "PagedProgrammeOut"},
        "/api/programmes/{pk}/": {"200": "ProgrammeOut"},
        "/api/visits/": {"200": "PagedVisitOut"},
        "/api/visits/{pk}/": {"200": "VisitOut"},
        "/api/visits/{pk}/itinerary/": {"200": "ItineraryOut"},
        "/api/follow-ups/": {"200": "PagedFollowUpOut"},
        "/api/follow-ups/{pk}/": {"200": "FollowUpOut"},
        "/api/delegations/": {"200": "PagedDelegationOut"},
        "/api/delegations/{pk}/": {"200": "DelegationOut"},
        "/api/delegations/{pk}/members/": {"200": "PagedMemberOut"},
        "/api/participants/": {"200": "PagedParticipantOut"},
        "/api/participants/{pk}/": {"200": "ParticipantOut"},
        "/api/notes/": {"200": "PagedItemNoteOut"},
        "/api/notes/{pk}/": {"200": "ItemNoteOut"},
        "/api/lessons/": {"200": "PagedLessonOut"},
        "/api/lessons/{pk}/": {"200": "LessonOut"},
    }
    assert errors["/api/visits/"] == ["200", "400", "401", "404"]
    assert errors["/api/visits/{pk}/"] == ["200", "401", "404"]


def test_openapi_needs_no_sign_in_and_no_docs_page_is_served(client):
    assert client.get(reverse("api:openapi")).status_code == 200
    assert client.get("/api/docs").status_code == 404


def test_programme_list_for_a_superuser_lists_all(admin_client, demo):
    names = [p["name"] for p in admin_client.get(reverse("api:programme_list")).json()["results"]]

    assert names == list(Programme.objects.order_by("name").values_list("name", flat=True))


@pytest.mark.parametrize("size", [1, 5])
def test_visit_list_query_count_does_not_grow(admin_client, django_assert_num_queries, size):
    from visits.tests.factories import StudyVisitFactory, ThemeFactory, VisitStopFactory

    for _ in range(size):
        visit = StudyVisitFactory()
        VisitStopFactory(visit=visit)
        visit.themes.set([ThemeFactory()])

    with django_assert_num_queries(6):
        response = admin_client.get(reverse("api:visit_list"))

    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [1, 5])
def test_follow_up_list_query_count_does_not_grow(admin_client, django_assert_num_queries, size):
    from outcomes.tests.factories import FollowUpFactory

    for _ in range(size):
        FollowUpFactory()

    with django_assert_num_queries(4):
        response = admin_client.get(reverse("api:follow_up_list"))

    assert response.json()["count"] == size


def test_itinerary_legs_of_a_sub_group_reach_its_members_and_the_officer_only(client, demo):
    mayor = demo.delegation.members.get(participant__last_name="Demeyer")
    coach = demo.legs.get(kind="coach")
    travel_leg_update(coach, by=None, members=[mayor])
    url = reverse("api:visit_itinerary", args=[demo.pk])

    delegate_legs = _as(client, "delegate@example.org").get(url).json()["legs"]
    officer_legs = _as(client, "officer@example.org").get(url).json()["legs"]

    assert coach.pk not in [leg["id"] for leg in delegate_legs]
    assert [leg["whole_delegation"] for leg in officer_legs if leg["id"] == coach.pk] == [False]


def test_officer_reads_the_delegation_its_roster_and_people_with_ids_to_join_on(client, demo):
    officer = _as(client, "officer@example.org")
    delegation = demo.delegation

    listed = officer.get(reverse("api:delegation_list"), {"visit": demo.pk}).json()["results"]
    members = officer.get(reverse("api:delegation_members", args=[delegation.pk])).json()["results"]
    head = [member for member in members if member["head"]]
    person = officer.get(reverse("api:participant_detail", args=[delegation.head_id])).json()

    assert [(d["id"], d["head"]) for d in listed] == [(delegation.pk, delegation.head_id)]
    assert demo.pk in listed[0]["visits"]
    assert listed[0]["members"] == reverse("api:delegation_members", args=[delegation.pk])
    assert {member["delegation"] for member in members} == {delegation.pk}
    assert [member["participant"] for member in head] == [delegation.head_id]
    assert person["id"] == delegation.head_id
    assert "dietary_needs" not in person
    assert "emergency_contact_phone" not in person
    people = officer.get(reverse("api:participant_list"), {"delegation": delegation.pk}).json()
    assert people["count"] == len(members)


def test_another_officer_reaches_none_of_the_delegation_or_its_people(client, demo):
    other = _as(client, "officer2@example.org")
    delegation = demo.delegation

    assert other.get(reverse("api:delegation_detail", args=[delegation.pk])).status_code == 404
    assert other.get(reverse("api:delegation_members", args=[delegation.pk])).status_code == 404
    assert other.get(reverse("api:participant_detail", args=[delegation.head_id])).status_code == 404
    assert other.get(reverse("api:participant_list"), {"delegation": delegation.pk}).json()["count"] == 0


def test_notes_and_lessons_carry_their_visit_item_and_theme(client, demo):
    officer = _as(client, "officer@example.org")

    notes = officer.get(reverse("api:note_list"), {"visit": demo.pk}).json()
    lessons = officer.get(reverse("api:lesson_list"), {"visit": demo.pk}).json()

    assert notes["count"] == ItemNote.objects.filter(item__visit=demo).count() > 0
    assert lessons["count"] == Lesson.objects.filter(visit=demo).count() > 0
    note = ItemNote.objects.get(pk=notes["results"][0]["id"])
    assert notes["results"][0]["item"] == note.item_id
    assert notes["results"][0]["visit"] == demo.pk
    lesson = Lesson.objects.get(pk=lessons["results"][0]["id"])
    assert lessons["results"][0]["theme"] == lesson.theme.slug
    by_theme = officer.get(reverse("api:lesson_list"), {"theme": lesson.theme.slug}).json()["results"]
    assert {row["theme"] for row in by_theme} == {lesson.theme.slug}
    assert officer.get(reverse("api:note_list"), {"item": note.item_id}).json()["count"] == note.item.notes.count()


def test_delegate_reads_the_notes_of_their_visit_and_no_others(client, demo):
    from outcomes.tests.factories import ItemNoteFactory
    from visits.tests.factories import ItineraryItemFactory

    delegate = _as(client, "delegate@example.org")
    other_note = ItemNoteFactory(item=ItineraryItemFactory())

    notes = delegate.get(reverse("api:note_list")).json()

    assert {row["visit"] for row in notes["results"]} == {demo.pk}
    assert delegate.get(reverse("api:note_detail", args=[other_note.pk])).status_code == 404


def test_pages_are_bounded_and_their_links_keep_the_filters(admin_client):
    from visits.tests.factories import StudyVisitFactory

    programme = StudyVisitFactory().programme
    for _ in range(4):
        StudyVisitFactory(programme=programme)
    StudyVisitFactory()
    url = reverse("api:visit_list")

    first = admin_client.get(url, {"programme": programme.pk, "page_size": 2}).json()
    last = admin_client.get(url, {"programme": programme.pk, "page_size": 2, "page": 3}).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (5, 2, None)
    assert first["next"] == f"http://testserver{url}?programme={programme.pk}&page_size=2&page=2"
    assert (len(last["results"]), last["next"]) == (1, None)
    assert last["previous"] == f"http://testserver{url}?programme={programme.pk}&page_size=2&page=2"
    assert admin_client.get(url, {"page_size": 2, "page": 4}).status_code == 404
    assert admin_client.get(url, {"page": 0}).status_code == 404
    assert admin_client.get(url, {"page_size": 100}).json()["count"] == 6
    for size in (0, 101, "x"):
        response = admin_client.get(url, {"page_size": size})
        assert (size, response.status_code) == (size, 400)
        assert response.json() == {"detail": "page_size must be a whole number from 1 to 100."}
    assert admin_client.get(reverse("api:note_list")).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def _world_of(size: int):
    """``size`` of each thing the new endpoints list, in one programme the superuser reaches."""
    from delegations.tests.factories import DelegationMemberFactory
    from outcomes.tests.factories import ItemNoteFactory, LessonFactory
    from partners.tests.factories import CityFactory, OrganisationFactory
    from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory

    for _ in range(size):
        visit = PublishedVisitFactory()
        visit.delegation.home_cities.set([CityFactory()])
        member = DelegationMemberFactory(delegation=visit.delegation)
        member.participant.organisation = OrganisationFactory()
        member.participant.home_city = CityFactory()
        member.participant.save()
        visit.delegation.head = member.participant
        visit.delegation.save()
        ItemNoteFactory(item=ItineraryItemFactory(visit=visit))
        LessonFactory(visit=visit)
    return visit


# The user (the session comes from Redis), the count, the rows, then each prefetch.
LIST_QUERIES = {
    "api:delegation_list": 5,
    "api:participant_list": 3,
    "api:note_list": 3,
    "api:lesson_list": 3,
    "api:programme_list": 4,
}


@pytest.mark.parametrize("name", sorted(LIST_QUERIES))
@pytest.mark.parametrize("size", [1, 5])
def test_new_list_query_counts_do_not_grow(admin_client, django_assert_num_queries, name, size):
    _world_of(size)

    with django_assert_num_queries(LIST_QUERIES[name]):
        response = admin_client.get(reverse(name))

    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [1, 5])
def test_member_list_query_count_does_not_grow(admin_client, django_assert_num_queries, size):
    from delegations.tests.factories import DelegationMemberFactory

    visit = _world_of(1)
    for _ in range(size - 1):
        DelegationMemberFactory(delegation=visit.delegation)

    # The user, the delegation, the count, the members with their people and delegation.
    with django_assert_num_queries(4):
        response = admin_client.get(reverse("api:delegation_members", args=[visit.delegation_id]))

    assert response.json()["count"] == size
