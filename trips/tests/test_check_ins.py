"""Safety check-ins: where the itinerary has a delegate, requests with one-time links, the
"I need help" alert, the officer's board, and the pages' reach."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AccountLanguage
from delegations.models import DelegationMember
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from partners.tests.factories import CityFactory
from trips.models import CheckIn, CheckInLink, CheckInRequest, PersonalTravel
from trips.selectors import check_in_board_for_visit, where_now_for_visit
from trips.services import check_in_link_answer, check_in_record, check_in_request_send
from visits.models import ItineraryItem
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, TravelLegFactory, VisitStopFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOV_4_NOON = dt.datetime(2019, 11, 4, 18, tzinfo=UTC)  # 12:00 in Nashville
NOV_6_NOON = dt.datetime(2019, 11, 6, 17, tzinfo=UTC)  # 12:00 in Chattanooga


def _user(email):
    return get_user_model().objects.create_user(username=email, email=email, password="x")


@pytest.fixture
def nashville():
    return CityFactory(name="Nashville", country="US", timezone="America/Chicago")


@pytest.fixture
def chattanooga():
    return CityFactory(name="Chattanooga", country="US", timezone="America/New_York")


@pytest.fixture
def officer():
    user = _user("officer@example.org")
    return user


@pytest.fixture
def visit(officer, nashville, chattanooga):
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    visit.programme.officers.add(officer)
    VisitStopFactory(visit=visit, city=nashville, position=1)
    VisitStopFactory(visit=visit, city=chattanooga, position=2)
    ItineraryItemFactory(visit=visit, city=nashville, starts_at=dt.datetime(2019, 11, 4, 15, tzinfo=UTC))
    ItineraryItemFactory(visit=visit, city=chattanooga, starts_at=dt.datetime(2019, 11, 6, 14, tzinfo=UTC))
    return visit


def _delegate(visit, email, *, language="en", status=DelegationMember.Status.CONFIRMED):
    user = _user(email)
    participant = ParticipantFactory(
        user=user, email=email, first_name=email.split("@")[0].title(), preferred_language=language
    )
    DelegationMemberFactory(delegation=visit.delegation, participant=participant, status=status)
    return user, participant


@pytest.fixture
def camille(visit):
    return _delegate(visit, "camille@example.org", language="fr")


@pytest.fixture
def jo(visit):
    return _delegate(visit, "jo@example.org")


def _leg(visit, participant, *, departs_at, arrives_at, to="Chattanooga Metropolitan Airport"):
    return PersonalTravel.objects.create(
        visit=visit,
        participant=participant,
        direction=PersonalTravel.Direction.ARRIVAL,
        departure_place="Nashville",
        departure_timezone="America/Chicago",
        departs_at=departs_at,
        arrival_place=to,
        arrival_timezone="America/New_York",
        arrives_at=arrives_at,
    )


# Where the itinerary has them


def test_where_now_latest_started_item_city(visit, camille, nashville):
    where = where_now_for_visit(visit, [camille[1]], now=NOV_4_NOON)[camille[1].pk]

    assert (where.place, where.city) == ("Nashville", nashville)


def test_where_now_cancelled_item_is_skipped(visit, camille, nashville, chattanooga):
    visit.itinerary_items.filter(city=chattanooga).update(status=ItineraryItem.Status.CANCELLED)

    where = where_now_for_visit(visit, [camille[1]], now=NOV_6_NOON)[camille[1].pk]

    assert where.city == nashville


def test_where_now_own_leg_under_way_is_between_places(visit, camille):
    _leg(
        visit, camille[1], departs_at=NOV_4_NOON + dt.timedelta(hours=1), arrives_at=NOV_4_NOON + dt.timedelta(hours=4)
    )

    where = where_now_for_visit(visit, [camille[1]], now=NOV_4_NOON + dt.timedelta(hours=2))[camille[1].pk]

    assert (where.place, where.city, where.travelling) == ("Nashville → Chattanooga Metropolitan Airport", None, True)


def test_where_now_own_leg_arrived_is_the_host_city_it_names(visit, camille, chattanooga):
    _leg(
        visit, camille[1], departs_at=NOV_4_NOON + dt.timedelta(hours=1), arrives_at=NOV_4_NOON + dt.timedelta(hours=4)
    )

    where = where_now_for_visit(visit, [camille[1]], now=NOV_4_NOON + dt.timedelta(hours=5))[camille[1].pk]

    assert (where.place, where.city) == ("Chattanooga Metropolitan Airport", chattanooga)


def test_where_now_before_anything_is_home(visit, camille):
    liege = CityFactory(name="Liège", timezone="Europe/Brussels")
    camille[1].home_city = liege
    camille[1].save()

    where = where_now_for_visit(visit, [camille[1]], now=dt.datetime(2019, 10, 1, tzinfo=UTC))[camille[1].pk]

    assert (where.place, where.city) == ("Liège", liege)


NOV_5_COACH = dt.datetime(2019, 11, 5, 17, tzinfo=UTC)


def test_where_now_group_leg_under_way_is_between_its_cities(visit, camille, nashville, chattanooga):
    TravelLegFactory(visit=visit, from_city=nashville, to_city=chattanooga, departs_at=NOV_5_COACH)

    where = where_now_for_visit(visit, [camille[1]], now=NOV_5_COACH + dt.timedelta(hours=1))[camille[1].pk]

    assert (where.place, where.city, where.travelling) == ("Nashville → Chattanooga", None, True)


def test_where_now_group_leg_arrived_is_its_to_city(visit, camille, nashville, chattanooga):
    TravelLegFactory(visit=visit, from_city=nashville, to_city=chattanooga, departs_at=NOV_5_COACH)

    where = where_now_for_visit(visit, [camille[1]], now=NOV_5_COACH + dt.timedelta(hours=3))[camille[1].pk]

    assert (where.place, where.city) == ("Chattanooga", chattanooga)


def test_where_now_sub_group_leg_moves_only_its_members(visit, camille, jo, nashville, chattanooga):
    jo_member = DelegationMember.objects.get(participant=jo[1])
    TravelLegFactory(visit=visit, from_city=nashville, to_city=chattanooga, departs_at=NOV_5_COACH, members=[jo_member])

    where = where_now_for_visit(visit, [camille[1], jo[1]], now=NOV_5_COACH + dt.timedelta(hours=3))

    assert (where[camille[1].pk].city, where[jo[1].pk].city) == (nashville, chattanooga)


# Requests


def test_request_all_queues_one_email_per_delegate_in_their_language(
    visit, officer, camille, jo, django_capture_on_commit_callbacks
):
    _delegate(visit, "declined@example.org", status=DelegationMember.Status.DECLINED)

    request = check_in_request_send(visit, by=officer, scope=CheckInRequest.Scope.ALL, now=NOV_4_NOON)

    rows = Notification.objects.filter(kind="check_in_request").order_by("to_email")
    assert [(n.to_email, n.language) for n in rows] == [("camille@example.org", "fr"), ("jo@example.org", "en")]
    assert [n.key for n in rows] == [
        f"check-in-request:{request.pk}:{camille[1].pk}",
        f"check-in-request:{request.pk}:{jo[1].pk}",
    ]
    assert rows[0].subject == "Êtes-vous en sécurité ? Belgians in Tennessee"
    assert "/fr/my/check-in/" in rows[0].body_text
    assert "/my/check-in/" in rows[1].body_text
    assert request.links.count() == 2
    assert rows[0].about == visit


def test_request_one_city_asks_only_those_there_now(visit, officer, camille, jo, chattanooga):
    _leg(visit, jo[1], departs_at=NOV_4_NOON - dt.timedelta(hours=1), arrives_at=NOV_4_NOON - dt.timedelta(minutes=10))

    request = check_in_request_send(
        visit, by=officer, scope=CheckInRequest.Scope.CITY, city=chattanooga, now=NOV_4_NOON
    )

    assert list(request.links.values_list("participant", flat=True)) == [jo[1].pk]
    assert list(Notification.objects.values_list("to_email", flat=True)) == ["jo@example.org"]


def test_request_nobody_there_is_refused_and_saves_nothing(visit, officer, camille, chattanooga):
    with pytest.raises(ValidationError):
        check_in_request_send(visit, by=officer, scope=CheckInRequest.Scope.CITY, city=chattanooga, now=NOV_4_NOON)

    assert (CheckInRequest.objects.count(), CheckInLink.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_request_city_scope_without_city_is_refused(visit, officer, camille):
    with pytest.raises(ValidationError):
        check_in_request_send(visit, by=officer, scope=CheckInRequest.Scope.CITY)


def _link_token(visit, officer, participant):
    check_in_request_send(visit, by=officer, scope=CheckInRequest.Scope.ALL)
    row = Notification.objects.get(kind="check_in_request", to_email=participant.email)
    return row.body_text.split("/my/check-in/")[1].split("/")[0]


def test_link_answer_once_without_signing_in(client, visit, officer, camille):
    token = _link_token(visit, officer, camille[1])
    url = reverse("check_ins:answer", args=[token])

    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "safe", "message": "All fine"})
    again = client.post(url, {"status": "needs_help"})

    assert response.status_code == 302
    assert "Thank you" in client.get(response["Location"]).content.decode()
    assert list(CheckIn.objects.values_list("participant", "status", "message")) == [
        (camille[1].pk, "safe", "All fine")
    ]
    assert again.status_code == 410
    assert client.get(url).status_code == 410


def test_link_expired_answers_410(client, visit, officer, camille):
    token = _link_token(visit, officer, camille[1])
    CheckInRequest.objects.update(expires_at=dt.datetime(2019, 1, 1, tzinfo=UTC))

    response = client.post(reverse("check_ins:answer", args=[token]), {"status": "safe"})

    assert response.status_code == 410
    assert CheckIn.objects.count() == 0


def test_link_unknown_token_is_404(client):
    assert client.get(reverse("check_ins:answer", args=["nope-not-a-token"])).status_code == 404


def test_link_answer_service_refuses_used_link(visit, officer, camille):
    _link_token(visit, officer, camille[1])
    link = CheckInLink.objects.get()
    check_in_link_answer(link, status="safe")

    with pytest.raises(ValidationError):
        check_in_link_answer(link, status="safe")


# The alert


def test_needs_help_alerts_every_officer_of_the_programme_in_their_language(visit, officer, camille):
    second = _user("second@example.org")
    AccountLanguage.objects.create(user=second, language="fr")
    visit.programme.officers.add(second, _user("nobody-else@example.org"))
    visit.programme.officers.remove(get_user_model().objects.get(email="nobody-else@example.org"))
    camille[1].phone = "+32 470 00 00 00"
    camille[1].save()

    check_in = check_in_record(visit, camille[1], status="needs_help", message="Lost near the stadium", now=NOV_4_NOON)

    rows = Notification.objects.filter(kind="check_in_alert").order_by("to_email")
    assert [(n.to_email, n.language) for n in rows] == [("officer@example.org", "en"), ("second@example.org", "fr")]
    assert rows[0].key == f"check-in-alert:{check_in.pk}:{officer.pk}"
    assert "Lost near the stadium" in rows[0].body_text
    assert "Nashville" in rows[0].body_text
    assert "+32 470 00 00 00" in rows[0].body_text
    assert reverse("check_ins:board", args=[visit.pk]) in rows[0].body_text
    assert rows[1].subject.startswith(camille[1].full_name)
    assert check_in.place == "Nashville"


def test_safe_alerts_nobody(visit, camille):
    check_in_record(visit, camille[1], status="safe")

    assert Notification.objects.count() == 0


# The board


def test_board_needs_help_first_then_no_answer_then_safe(visit, officer, camille, jo):
    third = _delegate(visit, "alex@example.org")
    check_in_record(visit, jo[1], status="safe", now=NOV_4_NOON)
    check_in_record(visit, third[1], status="needs_help", now=NOV_4_NOON)

    latest_request, rows = check_in_board_for_visit(visit, now=NOV_4_NOON)

    assert latest_request is None
    assert [(row.participant, row.answer) for row in rows] == [
        (third[1], "needs_help"),
        (camille[1], "none"),
        (jo[1], "safe"),
    ]
    assert rows[0].where.place == "Nashville"


def test_board_answers_before_the_latest_request_count_as_no_answer(visit, officer, camille):
    check_in_record(visit, camille[1], status="safe")
    CheckIn.objects.update(created_at=dt.datetime(2019, 11, 4, tzinfo=UTC))
    check_in_request_send(visit, by=officer, scope=CheckInRequest.Scope.ALL)

    _request, rows = check_in_board_for_visit(visit, now=NOV_4_NOON)

    assert [row.answer for row in rows] == ["none"]


def test_board_page_shows_each_delegate(client, visit, officer, camille, jo):
    check_in_record(visit, jo[1], status="safe")
    client.force_login(officer)

    response = client.get(reverse("check_ins:board", args=[visit.pk]))

    assert response.status_code == 200
    assert response.context["counts"] == {"needs_help": 0, "none": 1, "safe": 1}


def test_board_other_officer_and_delegate_get_404(client, visit, camille):
    client.force_login(_user("stranger@example.org"))
    assert client.get(reverse("check_ins:board", args=[visit.pk])).status_code == 404
    client.force_login(camille[0])
    assert client.get(reverse("check_ins:board", args=[visit.pk])).status_code == 404


# Today is long after the visit: the itinerary leaves everyone at its last entry, in Chattanooga.
def test_request_form_sends_and_goes_to_the_board(client, visit, officer, camille, chattanooga):
    client.force_login(officer)

    response = client.post(reverse("check_ins:request", args=[visit.pk]), {"scope": "city", "city": chattanooga.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("check_ins:board", args=[visit.pk])
    assert CheckInRequest.objects.get().city == chattanooga


def test_request_form_city_scope_needs_a_city(client, visit, officer, camille):
    client.force_login(officer)

    response = client.post(reverse("check_ins:request", args=[visit.pk]), {"scope": "city"})

    assert response.status_code == 200
    assert response.context["form"].errors["city"]
    assert CheckInRequest.objects.count() == 0


def test_request_form_nobody_there_says_so(client, visit, officer, camille, nashville):
    client.force_login(officer)

    response = client.post(reverse("check_ins:request", args=[visit.pk]), {"scope": "city", "city": nashville.pk})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert CheckInRequest.objects.count() == 0


# The delegate's own page


def test_my_check_in_records_with_place_and_thanks(client, visit, camille):
    client.force_login(camille[0])

    response = client.post(reverse("check_ins:mine", args=[visit.pk]), {"status": "needs_help", "message": "Help"})

    assert response.status_code == 302
    assert list(CheckIn.objects.values_list("status", "message")) == [("needs_help", "Help")]
    assert Notification.objects.filter(kind="check_in_alert").count() == 1


def test_my_check_in_without_status_saves_nothing(client, visit, camille):
    client.force_login(camille[0])

    response = client.post(reverse("check_ins:mine", args=[visit.pk]), {"message": "Hello"})

    assert response.status_code == 200
    assert CheckIn.objects.count() == 0


def test_my_check_in_other_visit_is_404(client, camille):
    other = PublishedVisitFactory()
    client.force_login(camille[0])

    assert client.get(reverse("check_ins:mine", args=[other.pk])).status_code == 404


def test_my_check_in_current_goes_to_the_visit(client, visit, camille):
    client.force_login(camille[0])

    response = client.get(reverse("check_ins:current"))

    assert response["Location"] == reverse("check_ins:mine", args=[visit.pk])
