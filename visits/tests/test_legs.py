"""Travel legs: each end in its own city's zone, for the whole delegation or a sub-group."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from delegations.services import delegation_member_remove
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from partners.tests.factories import CityFactory
from visits import services
from visits.models import ItineraryChange, TravelLeg
from visits.selectors import itinerary_days, itinerary_for_visit, legs_for_participant, legs_for_visit
from visits.tests.factories import (
    ItineraryItemFactory,
    PublishedVisitFactory,
    StudyVisitFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def cities():
    return {
        "brussels": CityFactory(name="Brussels", timezone="Europe/Brussels"),
        "nashville": CityFactory(name="Nashville", country="US", timezone="America/Chicago"),
        "chattanooga": CityFactory(name="Chattanooga", country="US", timezone="America/New_York"),
    }


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="o@example.org", email="o@example.org")


@pytest.fixture
def visit(officer, cities):
    visit = StudyVisitFactory(title="Belgians in Tennessee")
    visit.programme.officers.add(officer)
    VisitStopFactory(visit=visit, city=cities["nashville"], departs_on=dt.date(2019, 11, 5))
    VisitStopFactory(visit=visit, city=cities["chattanooga"], position=2, arrives_on=dt.date(2019, 11, 5))
    return visit


def _coach(visit, cities, **fields):
    leg = {
        "kind": TravelLeg.Kind.COACH,
        "from_city": cities["nashville"],
        "to_city": cities["chattanooga"],
        "departs_at": at("2019-11-05 17:00"),  # 11:00 CST
        "arrives_at": at("2019-11-05 19:15"),  # 14:15 EST
    }
    return services.travel_leg_create(visit, by=None, **{**leg, **fields})


def test_leg_reads_each_end_in_its_own_citys_zone(visit, cities):
    leg = _coach(visit, cities)

    assert leg.title == "Coach Nashville → Chattanooga"
    assert leg.local_departure.strftime("%H:%M %Z") == "11:00 CST"
    assert leg.local_arrival.strftime("%H:%M %Z") == "14:15 EST"


def test_leg_arriving_before_it_leaves_is_refused_in_words(visit, cities):
    with pytest.raises(ValidationError, match="The arrival must come after the departure"):
        services.travel_leg_create(
            visit,
            by=None,
            from_city=cities["nashville"],
            to_city=cities["chattanooga"],
            departs_at=at("2019-11-05 17:00"),
            arrives_at=at("2019-11-05 16:00"),
        )

    assert TravelLeg.objects.count() == 0


def test_overnight_return_flight_after_the_visits_last_day_is_kept_and_flagged(visit, cities):
    leg = services.travel_leg_create(
        visit,
        by=None,
        kind=TravelLeg.Kind.FLIGHT,
        from_city=cities["chattanooga"],
        to_city=cities["brussels"],
        departs_at=at("2019-11-09 22:45"),  # Sat 9 Nov 17:45 EST
        arrives_at=at("2019-11-10 06:45"),  # Sun 10 Nov 07:45 CET
    )

    days = itinerary_days(visit, [], list(legs_for_visit(visit)))

    assert [(day.day, [entry.pk for entry in day.items]) for day in days] == [(dt.date(2019, 11, 9), [leg.pk])]
    assert (days[0].items[0].is_leg, days[0].items[0].outside_visit) == (True, True)


def test_leg_members_must_belong_to_the_visits_delegation(visit, cities):
    stranger = DelegationMemberFactory()

    with pytest.raises(ValidationError, match="members of this visit's delegation"):
        _coach(visit, cities, members=[stranger])

    assert TravelLeg.objects.count() == 0


def test_legs_for_participant_are_the_whole_delegations_and_their_sub_groups(visit, cities):
    camille = DelegationMemberFactory(delegation=visit.delegation)
    marc = DelegationMemberFactory(delegation=visit.delegation)
    everyone = _coach(visit, cities)
    camille_only = _coach(visit, cities, members=[camille], reference="A")
    _marc_only = _coach(visit, cities, members=[marc], reference="B")

    legs = list(legs_for_participant([visit], camille.participant))

    assert legs == [everyone, camille_only]
    assert [leg.whole_delegation for leg in legs] == [True, False]


def test_leg_services_record_changes_for_the_digest_on_a_published_visit(officer, cities):
    visit = PublishedVisitFactory()
    leg = _coach(visit, cities)
    leg = services.travel_leg_update(
        leg, by=officer, departs_at=at("2019-11-05 18:00"), arrives_at=at("2019-11-05 20:15")
    )
    services.travel_leg_cancel(leg, by=officer)
    services.travel_leg_delete(leg, by=officer)

    changes = list(ItineraryChange.objects.order_by("pk"))
    assert [(change.subject, change.action) for change in changes] == [
        ("leg", "added"),
        ("leg", "changed"),
        ("leg", "cancelled"),
    ]
    assert (changes[1].timezone, changes[1].end_timezone) == ("America/Chicago", "America/New_York")
    assert (changes[1].old_starts_at, changes[1].new_starts_at) == (at("2019-11-05 17:00"), at("2019-11-05 18:00"))
    assert leg.history.first().history_user == officer


def test_leg_on_a_draft_visit_records_no_change(visit, cities):
    _coach(visit, cities)

    assert ItineraryChange.objects.count() == 0


def test_digest_tells_a_moved_leg_with_both_zones(cities, django_capture_on_commit_callbacks):
    visit = PublishedVisitFactory()
    DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory(email="j@example.org"))
    leg = _coach(visit, cities)
    ItineraryChange.objects.update(digested_at=at("2019-10-01 00:00"))
    services.travel_leg_update(leg, by=None, departs_at=at("2019-11-05 18:00"), arrives_at=at("2019-11-05 20:15"))
    last = ItineraryChange.objects.latest("pk").changed_at

    with django_capture_on_commit_callbacks():
        assert services.visit_itinerary_digest_queue(visit.pk, now=last + dt.timedelta(hours=1)) == 1

    body = Notification.objects.get(kind="itinerary_digest").body_text
    assert (
        "Moved: Coach Nashville → Chattanooga · Tue 5 Nov 11:00 CST → Tue 5 Nov 14:15 EST"
        " · now Tue 5 Nov 12:00 CST → Tue 5 Nov 15:15 EST"
    ) in body


def _page(client, officer, visit):
    client.force_login(officer)
    return client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()


def test_officer_enters_a_leg_in_each_ends_local_time(client, officer, visit, cities):
    client.force_login(officer)

    response = client.post(
        reverse("visits:leg_create", args=[visit.pk]),
        {
            "leg-kind": "coach",
            "leg-status": "confirmed",
            "leg-from_city": cities["nashville"].pk,
            "leg-to_city": cities["chattanooga"].pk,
            "leg-departure_day": "2019-11-05",
            "leg-departure_time": "11:00",
            "leg-arrival_time": "14:15",
            "leg-carrier": "Example Coaches",
        },
    )

    leg = TravelLeg.objects.get()
    assert response.status_code == 302
    assert (leg.departs_at, leg.arrives_at) == (at("2019-11-05 17:00"), at("2019-11-05 19:15"))
    assert 'Coach</span> · <span class="item-time">11:00 <abbr' in _page(client, officer, visit)
    page = _page(client, officer, visit)
    assert '>CST</abbr></span> Nashville → <span class="item-time">14:15 <abbr' in page
    assert ">EST</abbr></span> Chattanooga" in page


def _post_leg(client, visit, **fields):
    """A leg form posted from the visit page (its fields without the ``leg-`` prefix)."""
    data = {"leg-status": "confirmed", **{f"leg-{name}": value for name, value in fields.items()}}
    return client.post(reverse("visits:leg_create", args=[visit.pk]), data)


def test_officer_leg_at_a_skipped_local_time_is_refused_in_words(client, officer, visit, cities):
    client.force_login(officer)

    response = _post_leg(
        client,
        visit,
        kind="coach",
        from_city=cities["nashville"].pk,
        to_city=cities["chattanooga"].pk,
        departure_day="2019-03-10",
        departure_time="02:30",
        arrival_time="05:00",
    )

    assert response.status_code == 400
    assert "02:30 does not exist on 2019-03-10 in Nashville" in response.content.decode()
    assert TravelLeg.objects.count() == 0


def _car_in_nashville_at_half_past_one(client, visit, cities, **fields):
    """A leg leaving at 01:30 the night the clocks go back, followed to the page it lands on."""
    data = {
        "leg-kind": "car",
        "leg-status": "confirmed",
        "leg-from_city": cities["nashville"].pk,
        "leg-to_city": cities["nashville"].pk,
        "leg-departure_day": "2019-11-03",
        "leg-departure_time": "01:30",
        "leg-arrival_time": "03:00",
        **fields,
    }
    return client.post(reverse("visits:leg_create", args=[visit.pk]), data, follow=True)


def test_officer_leg_at_a_repeated_local_time_takes_the_first_and_says_so(client, officer, visit, cities):
    client.force_login(officer)

    response = _car_in_nashville_at_half_past_one(client, visit, cities)

    assert TravelLeg.objects.get().departs_at == at("2019-11-03 06:30")  # 01:30 CDT, the first
    assert "2019-11-03 01:30 happens twice in Nashville" in response.content.decode()


def test_officer_leg_at_a_repeated_local_time_takes_the_second_when_chosen(client, officer, visit, cities):
    client.force_login(officer)

    response = _car_in_nashville_at_half_past_one(client, visit, cities, **{"leg-departure_occurrence": "1"})

    assert TravelLeg.objects.get().departs_at == at("2019-11-03 07:30")  # 01:30 CST, the second
    assert "2019-11-03 01:30 happens twice in Nashville" not in response.content.decode()


def test_officer_leg_in_year_9999_is_a_form_error(client, officer, visit, cities):
    client.force_login(officer)

    response = _post_leg(
        client,
        visit,
        kind="flight",
        from_city=cities["nashville"].pk,
        to_city=cities["brussels"].pk,
        departure_day="9999-12-31",
        departure_time="23:00",
        arrival_time="23:30",
    )

    assert response.status_code == 400
    assert "Enter a date between the years 1900 and 2100." in response.content.decode()


def test_leg_edit_shows_at_once_on_the_cached_page(client, officer, visit, cities):
    leg = _coach(visit, cities)
    assert "11:00" in _page(client, officer, visit)

    response = client.post(
        reverse("visits:leg_edit", args=[visit.pk, leg.pk]),
        {
            "edit-leg-kind": "train",
            "edit-leg-status": "confirmed",
            "edit-leg-from_city": cities["nashville"].pk,
            "edit-leg-to_city": cities["chattanooga"].pk,
            "edit-leg-departure_day": "2019-11-05",
            "edit-leg-departure_time": "12:05",
            "edit-leg-arrival_time": "15:20",
        },
    )

    assert response.status_code == 302
    page = _page(client, officer, visit)
    assert "Train</span>" in page
    assert "12:05" in page
    assert "Coach</span>" not in page


def test_leg_and_items_share_the_itinerary_in_time_order(client, officer, visit, cities):
    before = ItineraryItemFactory(visit=visit, city=cities["nashville"], starts_at=at("2019-11-05 14:30"))
    after = ItineraryItemFactory(visit=visit, city=cities["chattanooga"], starts_at=at("2019-11-05 20:00"))
    leg = _coach(visit, cities)

    days = itinerary_days(visit, list(itinerary_for_visit(visit)), list(legs_for_visit(visit)))

    assert [entry for day in days for entry in day.items] == [before, leg, after]


def test_leg_cancel_and_delete_from_the_page(client, officer, visit, cities):
    leg = _coach(visit, cities)
    client.force_login(officer)

    client.post(reverse("visits:leg_cancel", args=[visit.pk, leg.pk]))
    leg.refresh_from_db()
    assert leg.status == TravelLeg.Status.CANCELLED

    client.post(reverse("visits:leg_delete", args=[visit.pk, leg.pk]))
    assert TravelLeg.objects.count() == 0


def test_published_itinerary_tells_each_member_the_legs_they_travel_on(cities, django_capture_on_commit_callbacks):
    visit = StudyVisitFactory(title="Belgians in Tennessee")
    jordan = DelegationMemberFactory(
        delegation=visit.delegation, status="confirmed", participant=ParticipantFactory(email="j@example.org")
    )
    DelegationMemberFactory(
        delegation=visit.delegation, status="confirmed", participant=ParticipantFactory(email="k@example.org")
    )
    everyone = _coach(visit, cities, carrier="Example Coaches")
    jordans = _coach(
        visit,
        cities,
        members=[jordan],
        kind=TravelLeg.Kind.CAR,
        departs_at=at("2019-11-06 14:00"),
        arrives_at=at("2019-11-06 15:00"),
    )

    with django_capture_on_commit_callbacks():
        services.visit_publish(visit, by=None)

    messages = {row.to_email: row for row in Notification.objects.filter(kind="itinerary_published")}
    assert (
        "Coach · 11:00 CST Nashville → 14:15 EST Chattanooga · Example Coaches" in messages["k@example.org"].body_text
    )
    assert "Car · " in messages["j@example.org"].body_text
    assert "Car · " not in messages["k@example.org"].body_text
    k_calendar = messages["k@example.org"].attachments[0]["content"]
    assert f"UID:leg-{everyone.pk}@cityexchange" in k_calendar
    assert f"leg-{jordans.pk}@" not in k_calendar


def test_clone_moves_each_leg_end_by_whole_days_in_its_own_city_and_leaves_cancelled_ones(officer, cities):
    visit = StudyVisitFactory(starts_on=dt.date(2019, 11, 1), ends_on=dt.date(2019, 11, 3))
    member = DelegationMemberFactory(delegation=visit.delegation)
    # 1 November is still on summer time in the United States; a week later, standard time.
    _coach(visit, cities, members=[member], departs_at=at("2019-11-01 16:00"), arrives_at=at("2019-11-01 18:15"))
    services.travel_leg_cancel(_coach(visit, cities), by=None)

    clone = services.visit_clone(visit, by=officer, title="Next", starts_on=dt.date(2019, 11, 8))

    leg = clone.legs.select_related("from_city", "to_city").get()
    assert (leg.local_departure.strftime("%d %H:%M %Z"), leg.local_arrival.strftime("%d %H:%M %Z")) == (
        "08 11:00 CST",
        "08 14:15 EST",
    )
    assert (leg.status, list(leg.members.all()), clone.cancelled_left_out) == ("requested", [member], 1)


def test_sub_group_leg_whose_members_all_leave_is_nobodys_not_everyones(visit, cities):
    camille = DelegationMemberFactory(delegation=visit.delegation)
    marc = DelegationMemberFactory(delegation=visit.delegation)
    _coach(visit, cities, members=[camille])

    delegation_member_remove(camille, by=None)

    assert list(legs_for_participant([visit], marc.participant)) == []


def test_editor_offers_the_visits_host_cities_first_in_travel_order(client, officer, visit, cities):
    from visits.forms import ItineraryItemForm, TravelLegForm
    from visits.models import ItineraryItem

    CityFactory(name="Atlanta", country="US", timezone="America/New_York")

    item_cities = [city.name for city in ItineraryItemForm(instance=ItineraryItem(visit=visit)).fields["city"].queryset]
    leg_cities = [city.name for city in TravelLegForm(instance=TravelLeg(visit=visit)).fields["to_city"].queryset]

    assert item_cities == leg_cities == ["Nashville", "Chattanooga", "Atlanta", "Brussels"]


def test_item_in_a_city_that_is_no_host_city_is_flagged_but_a_leg_there_is_not(client, officer, visit, cities):
    ItineraryItemFactory(visit=visit, city=cities["brussels"], title="Briefing in Brussels")
    services.travel_leg_create(
        visit,
        by=None,
        kind=TravelLeg.Kind.FLIGHT,
        from_city=cities["brussels"],
        to_city=cities["nashville"],
        departs_at=at("2019-11-03 09:05"),
        arrives_at=at("2019-11-03 22:40"),
    )

    page = _page(client, officer, visit)

    assert page.count("Not one of this visit's host cities.") == 1
