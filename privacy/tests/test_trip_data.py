"""The delegate's side of personal data: own travel and hotels, the digest changes that told of them,
messages to the delegation, bounce records (API tokens: tests/test_erasure_api_tokens.py, as privacy and
api never import each other). Export holds them, erasure removes them (only theirs), and
retention deletes travel and hotels of visits that ended long ago, as it does check-ins."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from delegations.models import DelegationMember
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import BouncedAddress, Notification
from partners.tests.factories import CityFactory
from privacy.services import participant_erase, participant_export_data, sensitive_data_purge
from trips.models import Accommodation, DelegationMessage, PersonalTravel
from trips.services import accommodation_delete, accommodation_save, personal_travel_save
from visits.models import ItineraryChange
from visits.services import visit_digest_send_now
from visits.tests.factories import PublishedVisitFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
CONFIRMED = DelegationMember.Status.CONFIRMED


@pytest.fixture
def world():
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    people = {}
    for first in ("Camille", "Ann"):
        email = f"{first.lower()}@example.org"
        user = get_user_model().objects.create_user(username=email, email=email, password="Lantern-Quarry-41")
        participant = ParticipantFactory(user=user, first_name=first, last_name="Test", email=email)
        people[first] = DelegationMemberFactory(delegation=visit.delegation, participant=participant, status=CONFIRMED)
    return {"visit": visit, "nashville": nashville, "people": people}


def _travel(world, first, *, carrier="UA 950", booking="ABC123"):
    return personal_travel_save(
        PersonalTravel(
            visit=world["visit"],
            participant=world["people"][first].participant,
            direction=PersonalTravel.Direction.ARRIVAL,
            carrier=carrier,
            departure_place="Brussels",
            departure_timezone="Europe/Brussels",
            departs_at=dt.datetime(2019, 11, 3, 9, tzinfo=UTC),
            arrival_place="Nashville",
            arrival_timezone="America/Chicago",
            arrives_at=dt.datetime(2019, 11, 3, 20, tzinfo=UTC),
            booking_reference=booking,
            notes="Window seat",
        ),
        by=None,
    )


def _stay(world, first, *, name="Hotel Preston"):
    return accommodation_save(
        Accommodation(
            visit=world["visit"],
            participant=world["people"][first].participant,
            name=name,
            address="733 Briley Pkwy",
            city=world["nashville"],
            check_in=dt.date(2019, 11, 3),
            check_out=dt.date(2019, 11, 6),
            phone="+1 615 361 5900",
            booking_reference="HP-77",
        ),
        by=None,
    )


def test_export_holds_their_own_travel_and_hotels(world):
    _travel(world, "Camille")
    _stay(world, "Camille")
    _travel(world, "Ann", carrier="DL 100", booking="ANN999")

    data = participant_export_data(world["people"]["Camille"].participant)

    assert data["travel"] == [
        {
            "visit": "Belgians in Tennessee",
            "direction": "arrival",
            "mode": "flight",
            "carrier": "UA 950",
            "from": "Brussels",
            "departure_timezone": "Europe/Brussels",
            "departs_at": "2019-11-03T09:00:00+00:00",
            "to": "Nashville",
            "arrival_timezone": "America/Chicago",
            "arrives_at": "2019-11-03T20:00:00+00:00",
            "booking_reference": "ABC123",
            "notes": "Window seat",
        }
    ]
    assert data["accommodation"] == [
        {
            "visit": "Belgians in Tennessee",
            "hotel": "Hotel Preston",
            "address": "733 Briley Pkwy",
            "city": str(world["nashville"]),
            "check_in": "2019-11-03",
            "check_out": "2019-11-06",
            "phone": "+1 615 361 5900",
            "booking_reference": "HP-77",
            "notes": "",
        }
    ]
    json.dumps(data)


def test_erasure_deletes_their_travel_hotels_and_all_their_history_only(world):
    _travel(world, "Camille")
    gone_earlier = _stay(world, "Camille", name="Hotel Earlier")
    accommodation_delete(gone_earlier, by=None)
    _stay(world, "Camille")
    theirs = _travel(world, "Ann", carrier="DL 100", booking="ANN999")
    ann_stay = _stay(world, "Ann", name="Hotel Ann")

    participant_erase(world["people"]["Camille"].participant, by=None)

    assert list(PersonalTravel.objects.all()) == [theirs]
    assert list(Accommodation.objects.all()) == [ann_stay]
    assert list(PersonalTravel.history.values_list("booking_reference", flat=True)) == ["ANN999"]
    assert list(Accommodation.history.values_list("name", flat=True)) == ["Hotel Ann"]


def test_erasure_deletes_the_changes_told_of_their_own_entries_and_the_pending_digest_still_goes(world):
    _travel(world, "Camille")
    camille_stay = _stay(world, "Camille")
    accommodation_delete(camille_stay, by=None)
    _travel(world, "Ann", carrier="DL 100")
    ann_member = world["people"]["Ann"]
    assert ItineraryChange.objects.count() == 4

    participant_erase(world["people"]["Camille"].participant, by=None)

    assert list(ItineraryChange.objects.values_list("title", "audience")) == [
        ("DL 100 Brussels → Nashville", [ann_member.pk])
    ]
    assert visit_digest_send_now(world["visit"], now=dt.datetime(2026, 1, 1, tzinfo=UTC)) == 1
    digest = Notification.objects.get(kind="itinerary_digest")
    assert digest.to_email == "ann@example.org"
    assert "DL 100" in digest.body_text
    assert "UA 950" not in digest.body_text and "Preston" not in digest.body_text


def test_erasure_keeps_the_changes_of_group_entries(world):
    _travel(world, "Camille")
    group = ItineraryChange.objects.create(
        visit=world["visit"], item_pk=1, action="added", title="Meeting with the Metro Nashville Police", timezone="UTC"
    )

    participant_erase(world["people"]["Camille"].participant, by=None)

    assert list(ItineraryChange.objects.all()) == [group]


def _message(world, skipped):
    return DelegationMessage.objects.create(
        visit=world["visit"], subject_en="Coach", body_en="Early", recipient_count=1, skipped=skipped
    )


def test_erasure_replaces_them_in_the_skipped_lists_of_messages_to_the_delegation(world):
    camille, ann = world["people"]["Camille"].participant, world["people"]["Ann"].participant
    bounced = {"reason": "the address bounced on 2019-11-02"}
    recorded = _message(
        world,
        [
            {"participant": camille.pk, "name": "Camille Test", "email": "camille@example.org", **bounced},
            {"participant": ann.pk, "name": "Ann Test", "email": "ann@example.org", **bounced},
        ],
    )
    # Recorded before the entries named the participant: matched by address, or by name without one.
    older = _message(
        world,
        [
            {"name": "Camille Test", "email": "camille@example.org", **bounced},
            {"name": "Camille Test", "email": "", "reason": "no email address"},
            {"name": "Ann Test", "email": "", "reason": "no email address"},
        ],
    )
    elsewhere = DelegationMessage.objects.create(
        visit=PublishedVisitFactory(),
        subject_en="Other",
        body_en="Other",
        recipient_count=1,
        skipped=[{"name": "Camille Test", "email": "", "reason": "no email address"}],
    )

    participant_erase(camille, by=None)

    erased = {"participant": camille.pk, "name": f"Erased participant #{camille.pk}", "email": ""}
    recorded.refresh_from_db()
    older.refresh_from_db()
    elsewhere.refresh_from_db()
    assert recorded.skipped == [
        {**erased, **bounced},
        {"participant": ann.pk, "name": "Ann Test", "email": "ann@example.org", **bounced},
    ]
    assert older.skipped == [
        {**erased, **bounced},
        {**erased, "reason": "no email address"},
        {"name": "Ann Test", "email": "", "reason": "no email address"},
    ]
    assert elsewhere.skipped == [{"name": "Camille Test", "email": "", "reason": "no email address"}]


def test_erasure_anonymises_their_copy_of_a_message_to_the_delegation(world):
    officer = get_user_model().objects.create_user(username="o@example.org", email="o@example.org", password="x")
    world["visit"].programme.officers.add(officer)
    client = Client()
    client.force_login(officer)
    url = reverse("delegation_messages:compose", args=[world["visit"].pk])
    texts = {"audience": "all", "subject_en": "Coach leaves early", "body_en": "At 07:30 tomorrow."}
    preview = client.post(url, {"action": "preview", **texts})
    client.post(url, {"action": "send", "previewed": preview.context["plan"].fingerprint, **texts})
    assert Notification.objects.filter(kind="delegation_message").count() == 2

    participant_erase(world["people"]["Camille"].participant, by=None)

    rows = Notification.objects.filter(kind="delegation_message").order_by("pk")
    assert sorted((row.to_email, row.to_name, row.body_text != "") for row in rows) == [
        ("", "", False),
        ("ann@example.org", "Ann Test", True),
    ]
    assert DelegationMessage.objects.get().recipient_count == 2


def test_retention_deletes_travel_hotels_and_their_changes_only_after_the_period(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    _travel(world, "Camille")
    _stay(world, "Camille")
    group = ItineraryChange.objects.create(
        visit=world["visit"], item_pk=1, action="added", title="Meeting with the Metro Nashville Police", timezone="UTC"
    )
    later_visit = PublishedVisitFactory(
        delegation=world["visit"].delegation, starts_on=dt.date(2020, 9, 1), ends_on=dt.date(2020, 9, 5)
    )
    later = personal_travel_save(
        PersonalTravel(
            visit=later_visit,
            participant=world["people"]["Ann"].participant,
            direction=PersonalTravel.Direction.ARRIVAL,
            departure_place="Brussels",
            departure_timezone="Europe/Brussels",
            departs_at=dt.datetime(2020, 9, 1, 9, tzinfo=UTC),
            arrival_place="Nashville",
            arrival_timezone="America/Chicago",
            arrives_at=dt.datetime(2020, 9, 1, 20, tzinfo=UTC),
            booking_reference="LATER1",
        ),
        by=None,
    )

    sensitive_data_purge(today=dt.date(2020, 5, 1))
    assert (PersonalTravel.objects.count(), Accommodation.objects.count(), ItineraryChange.objects.count()) == (
        2,
        1,
        4,
    )
    sensitive_data_purge(today=dt.date(2020, 5, 8))

    assert list(PersonalTravel.objects.all()) == [later]
    assert list(Accommodation.objects.all()) == []
    assert list(PersonalTravel.history.values_list("booking_reference", flat=True)) == ["LATER1"]
    assert Accommodation.history.count() == 0
    assert sorted(ItineraryChange.objects.values_list("pk", flat=True)) == sorted(
        [group.pk, *ItineraryChange.objects.filter(visit=later_visit).values_list("pk", flat=True)]
    )
    assert ItineraryChange.objects.filter(visit=later_visit).count() == 1


def test_erasure_deletes_the_bounce_record_of_their_address_only(world):
    BouncedAddress.objects.create(email="camille@example.org", reason="550 5.1.1 <camille@example.org>: no such user")
    kept = BouncedAddress.objects.create(email="ann@example.org", reason="550 5.1.1 no such user")

    participant_erase(world["people"]["Camille"].participant, by=None)

    assert list(BouncedAddress.objects.all()) == [kept]


def test_export_holds_their_mail_choices(world):
    camille = world["people"]["Camille"].participant
    camille.reminders_mail = False
    camille.save()

    participant = participant_export_data(camille)["participant"]

    assert (participant["reminders_mail"], participant["lessons_requests_mail"]) == (False, True)
