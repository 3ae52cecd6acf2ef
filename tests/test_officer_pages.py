"""Officer pages: who may open each one, what a form says when input is wrong, and query counts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from delegations.models import DelegationMember
from delegations.tests.factories import DelegationFactory, DelegationMemberFactory, ParticipantFactory
from outcomes.models import FollowUp
from outcomes.tests.factories import FollowUpFactory
from partners.tests.factories import CityFactory, NetworkMembershipFactory, OrganisationFactory
from visits.models import ItineraryItem, StudyVisit
from visits.services import visit_publish_preview
from visits.tests.factories import (
    ItineraryItemFactory,
    ProgrammeFactory,
    PublishedVisitFactory,
    StudyVisitFactory,
    ThemeFactory,
    VisitStopFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """A French page leaves French active in this thread; messages read after a request are compared in English."""
    translation.activate("en")
    yield
    translation.activate("en")


class World:
    """Two programmes with one officer each, and a delegate on the first one's visit."""


@pytest.fixture
def world(django_user_model):
    w = World()
    w.officer = django_user_model.objects.create_user(username="a@example.org", email="a@example.org")
    w.other_officer = django_user_model.objects.create_user(username="b@example.org", email="b@example.org")
    w.delegate = django_user_model.objects.create_user(username="d@example.org", email="d@example.org")
    w.programme = ProgrammeFactory()
    w.programme.officers.add(w.officer)
    w.other_programme = ProgrammeFactory()
    w.other_programme.officers.add(w.other_officer)
    w.city = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    w.organisation = OrganisationFactory(city=w.city)
    w.membership = NetworkMembershipFactory(city=w.city)
    w.theme = ThemeFactory()
    w.participant = ParticipantFactory(user=w.delegate)
    w.delegation = DelegationFactory()
    w.member = DelegationMemberFactory(delegation=w.delegation, participant=w.participant)
    w.visit = PublishedVisitFactory(programme=w.programme, delegation=w.delegation)
    w.stop = VisitStopFactory(visit=w.visit, city=w.city)
    w.item = ItineraryItemFactory(visit=w.visit, city=w.city, starts_at=dt.datetime(2019, 11, 4, 15, tzinfo=dt.UTC))
    w.follow_up = FollowUpFactory(visit=w.visit, owner_city=w.city)
    return w


# Pages inside the first programme: its officer 200, the other officer and the delegate 404.
PROGRAMME_PAGES = {
    "programme_detail": lambda w: reverse("visits:programme_detail", args=[w.programme.pk]),
    "programme_edit": lambda w: reverse("visits:programme_edit", args=[w.programme.pk]),
    "visit_edit": lambda w: reverse("visits:visit_edit", args=[w.visit.pk]),
    "visit_clone": lambda w: reverse("visits:visit_clone", args=[w.visit.pk]),
    "stop_edit": lambda w: reverse("visits:stop_edit", args=[w.visit.pk, w.stop.pk]),
    "follow_up_edit": lambda w: reverse("outcomes:follow_up_edit", args=[w.follow_up.pk]),
    "delegation_detail": lambda w: reverse("delegations:delegation_detail", args=[w.delegation.pk]),
    "delegation_edit": lambda w: reverse("delegations:delegation_edit", args=[w.delegation.pk]),
    "participant_detail": lambda w: reverse("delegations:participant_detail", args=[w.participant.pk]),
    "participant_edit": lambda w: reverse("delegations:participant_edit", args=[w.participant.pk]),
}
# Lists and shared reference data: every officer 200, the delegate 404.
OFFICER_PAGES = {
    "dashboard": lambda w: reverse("home"),
    "programme_list": lambda w: reverse("visits:programme_list"),
    "programme_create": lambda w: reverse("visits:programme_create"),
    "visit_list": lambda w: reverse("visits:visit_list"),
    "visit_create": lambda w: reverse("visits:visit_create"),
    "theme_list": lambda w: reverse("visits:theme_list"),
    "theme_create": lambda w: reverse("visits:theme_create"),
    "theme_edit": lambda w: reverse("visits:theme_edit", args=[w.theme.pk]),
    "follow_up_board": lambda w: reverse("outcomes:follow_up_board"),
    "follow_up_create": lambda w: reverse("outcomes:follow_up_create"),
    "participant_list": lambda w: reverse("delegations:participant_list"),
    "participant_create": lambda w: reverse("delegations:participant_create"),
    "delegation_list": lambda w: reverse("delegations:delegation_list"),
    "delegation_create": lambda w: reverse("delegations:delegation_create"),
    "city_list": lambda w: reverse("partners:city_list"),
    "city_create": lambda w: reverse("partners:city_create"),
    "city_detail": lambda w: reverse("partners:city_detail", args=[w.city.pk]),
    "city_edit": lambda w: reverse("partners:city_edit", args=[w.city.pk]),
    "organisation_list": lambda w: reverse("partners:organisation_list"),
    "organisation_create": lambda w: reverse("partners:organisation_create"),
    "organisation_detail": lambda w: reverse("partners:organisation_detail", args=[w.organisation.pk]),
    "organisation_edit": lambda w: reverse("partners:organisation_edit", args=[w.organisation.pk]),
    "membership_list": lambda w: reverse("partners:membership_list"),
    "membership_create": lambda w: reverse("partners:membership_create"),
    "membership_edit": lambda w: reverse("partners:membership_edit", args=[w.membership.pk]),
}
# Writes inside the first programme.
PROGRAMME_POSTS = {
    "visit_publish": lambda w: reverse("visits:visit_publish", args=[w.visit.pk]),
    "visit_unpublish": lambda w: reverse("visits:visit_unpublish", args=[w.visit.pk]),
    "stop_create": lambda w: reverse("visits:stop_create", args=[w.visit.pk]),
    "stop_delete": lambda w: reverse("visits:stop_delete", args=[w.visit.pk, w.stop.pk]),
    "item_create": lambda w: reverse("visits:item_create", args=[w.visit.pk]),
    "item_edit": lambda w: reverse("visits:item_edit", args=[w.visit.pk, w.item.pk]),
    "item_duplicate": lambda w: reverse("visits:item_duplicate", args=[w.visit.pk, w.item.pk]),
    "item_delete": lambda w: reverse("visits:item_delete", args=[w.visit.pk, w.item.pk]),
    "follow_up_status": lambda w: reverse("outcomes:follow_up_status", args=[w.follow_up.pk]),
    "member_add": lambda w: reverse("delegations:member_add", args=[w.delegation.pk]),
    "member_edit": lambda w: reverse("delegations:member_edit", args=[w.delegation.pk, w.member.pk]),
    "member_remove": lambda w: reverse("delegations:member_remove", args=[w.delegation.pk, w.member.pk]),
}


@pytest.mark.parametrize("page", sorted(PROGRAMME_PAGES))
def test_programme_page_answers_its_officer(client, world, page):
    client.force_login(world.officer)

    assert client.get(PROGRAMME_PAGES[page](world)).status_code == 200


@pytest.mark.parametrize("page", sorted(PROGRAMME_PAGES))
def test_programme_page_answers_an_admin(admin_client, world, page):
    assert admin_client.get(PROGRAMME_PAGES[page](world)).status_code == 200


@pytest.mark.parametrize("page", sorted(PROGRAMME_PAGES))
@pytest.mark.parametrize("who", ["other_officer", "delegate"])
def test_programme_page_is_404_outside_reach(client, world, page, who):
    client.force_login(getattr(world, who))

    assert client.get(PROGRAMME_PAGES[page](world)).status_code == 404


@pytest.mark.parametrize("page", sorted(PROGRAMME_PAGES) + sorted(OFFICER_PAGES))
def test_officer_page_redirects_anonymous_to_sign_in(client, world, page):
    url = {**PROGRAMME_PAGES, **OFFICER_PAGES}[page](world)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url.replace('?', '%3F').replace('=', '%3D')}"


@pytest.mark.parametrize("page", sorted(OFFICER_PAGES))
@pytest.mark.parametrize("who", ["officer", "other_officer"])
def test_officer_page_answers_every_officer(client, world, page, who):
    client.force_login(getattr(world, who))

    assert client.get(OFFICER_PAGES[page](world)).status_code == 200


@pytest.mark.parametrize("page", sorted(set(OFFICER_PAGES) - {"dashboard"}))
def test_officer_page_is_404_for_a_delegate(client, world, page):
    client.force_login(world.delegate)

    assert client.get(OFFICER_PAGES[page](world)).status_code == 404


@pytest.mark.parametrize("page", sorted(PROGRAMME_POSTS))
@pytest.mark.parametrize("who", ["other_officer", "delegate"])
def test_programme_write_is_404_outside_reach_and_changes_nothing(client, world, page, who):
    client.force_login(getattr(world, who))

    response = client.post(PROGRAMME_POSTS[page](world), {"status": "done"})

    assert response.status_code == 404
    world.visit.refresh_from_db()
    assert world.visit.status == StudyVisit.Status.PUBLISHED
    assert list(world.visit.itinerary_items.all()) == [world.item]
    assert list(world.delegation.members.all()) == [world.member]


@pytest.mark.parametrize("page", sorted(PROGRAMME_POSTS))
def test_programme_write_redirects_anonymous_to_sign_in(client, world, page):
    response = client.post(PROGRAMME_POSTS[page](world))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_lists_show_only_what_the_officer_reaches(client, world):
    other_visit = StudyVisitFactory(programme=world.other_programme, title="Someone else's visit")
    client.force_login(world.officer)

    visits = client.get(reverse("visits:visit_list")).context["object_list"]
    programmes = client.get(reverse("visits:programme_list")).context["object_list"]
    delegations = client.get(reverse("delegations:delegation_list")).context["object_list"]
    participants = client.get(reverse("delegations:participant_list")).context["object_list"]
    follow_ups = client.get(reverse("outcomes:follow_up_board")).context["columns"]

    assert list(visits) == [world.visit]
    assert list(programmes) == [world.programme]
    assert list(delegations) == [world.delegation]
    assert list(participants) == [world.participant]
    assert [card for _, _, cards in follow_ups for card in cards] == [world.follow_up]
    assert other_visit not in list(visits)


def test_visit_list_gate_and_programme_choices_follow_assignment(client, world, django_user_model):
    """The visit list's officer check comes from the programmes its filter offers: it must follow an
    assignment or removal at once, and offer only (and all) the officer's programmes."""
    client.force_login(world.delegate)
    assert client.get(reverse("visits:visit_list")).status_code == 404

    world.programme.officers.add(world.delegate)
    response = client.get(reverse("visits:visit_list"))
    assert response.status_code == 200
    choices = [value for value, _ in response.context["filter"].form.fields["programme"].choices]
    assert [str(value) for value in choices] == ["", str(world.programme.pk)]
    assert list(response.context["object_list"]) == [world.visit]
    # Another officer's programme is still refused (validation goes through the officer's programmes).
    refused = client.get(reverse("visits:visit_list"), {"programme": world.other_programme.pk})
    assert "programme" in refused.context["filter"].form.errors
    chosen = client.get(reverse("visits:visit_list"), {"programme": world.programme.pk})
    assert chosen.context["filter"].is_valid()

    world.programme.officers.remove(world.delegate)
    assert client.get(reverse("visits:visit_list")).status_code == 404

    admin = django_user_model.objects.create_superuser(username="s@example.org", email="s@example.org")
    client.force_login(admin)
    response = client.get(reverse("visits:visit_list"))
    choices = [value for value, _ in response.context["filter"].form.fields["programme"].choices]
    assert sorted(str(value) for value in choices[1:]) == sorted(
        str(pk) for pk in (world.programme.pk, world.other_programme.pk)
    )


def test_other_officer_sees_none_of_the_programme(client, world):
    client.force_login(world.other_officer)

    assert list(client.get(reverse("visits:visit_list")).context["object_list"]) == []
    assert list(client.get(reverse("delegations:participant_list")).context["object_list"]) == []
    assert list(client.get(reverse("delegations:delegation_list")).context["object_list"]) == []
    assert client.get(reverse("visits:visit_detail", args=[world.visit.pk])).status_code == 404
    dashboard = client.get(reverse("home"))
    assert dashboard.context["changes"] == []
    assert world.visit.title not in dashboard.content.decode()


def test_visit_detail_sends_a_delegate_of_the_visit_to_their_itinerary(client, world):
    client.force_login(world.delegate)

    response = client.get(reverse("visits:visit_detail", args=[world.visit.pk]))

    assert (response.status_code, response["Location"]) == (302, reverse("my:itinerary", args=[world.visit.pk]))


def test_item_edit_in_place_is_404_for_another_officer(client, world):
    client.force_login(world.other_officer)

    response = client.get(reverse("visits:visit_detail", args=[world.visit.pk]) + f"?edit={world.item.pk}")

    assert response.status_code == 404


def test_item_edit_in_place_shows_the_form_in_local_time(client, world):
    client.force_login(world.officer)

    response = client.get(reverse("visits:visit_detail", args=[world.visit.pk]) + f"?edit={world.item.pk}")

    assert response.context["editing"] == world.item
    assert response.context["edit_form"]["start_time"].value().strftime("%H:%M") == "09:00"


def test_visit_detail_is_404_for_a_delegate_of_a_draft(client, world):
    world.visit.status, world.visit.published_at = StudyVisit.Status.DRAFT, None
    world.visit.save()
    client.force_login(world.delegate)

    assert client.get(reverse("visits:visit_detail", args=[world.visit.pk])).status_code == 404


def test_home_sends_a_delegate_to_their_visits(client, world):
    client.force_login(world.delegate)

    response = client.get(reverse("home"))

    assert (response.status_code, response["Location"]) == (302, reverse("my:visit_list"))


def test_french_visit_page(client, world):
    client.force_login(world.officer)

    response = client.get("/fr" + reverse("visits:visit_detail", args=[world.visit.pk]))

    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "fr"


# Itinerary editor ----------------------------------------------------------------------------


def _item_data(world, **overrides):
    data = {
        "title": "Community policing",
        "kind": ItineraryItem.Kind.MEETING,
        "status": ItineraryItem.Status.CONFIRMED,
        "city": world.city.pk,
        "day": "2019-11-04",
        "start_time": "09:00",
        "end_time": "10:30",
        "host_organisations": [world.organisation.pk],
        "host_contact": "Lt. Sample",
    }
    data.update(overrides)
    return data


def test_item_create_converts_local_time_to_utc(client, world):
    client.force_login(world.officer)

    response = client.post(reverse("visits:item_create", args=[world.visit.pk]), _item_data(world))

    item = world.visit.itinerary_items.get(title="Community policing")
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:visit_detail", args=[world.visit.pk]) + f"#item-{item.pk}"
    assert (item.starts_at, item.ends_at) == (
        dt.datetime(2019, 11, 4, 15, 0, tzinfo=dt.UTC),
        dt.datetime(2019, 11, 4, 16, 30, tzinfo=dt.UTC),
    )
    assert list(item.host_organisations.all()) == [world.organisation]


def test_item_create_refuses_a_time_the_clocks_skip(client, world):
    world.visit.starts_on, world.visit.ends_on = dt.date(2019, 3, 9), dt.date(2019, 3, 12)
    world.visit.save()
    world.stop.delete()
    world.item.delete()
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:item_create", args=[world.visit.pk]),
        _item_data(world, day="2019-03-10", start_time="02:30", end_time="04:00"),
    )

    assert response.status_code == 400
    assert response.context["item_form"].errors["start_time"] == [
        "02:30 does not exist on 2019-03-10 in Nashville: the clocks skip it for daylight saving time. "
        "Choose a time an hour later."
    ]
    assert response.context["item_form"]["title"].value() == "Community policing"
    assert world.visit.itinerary_items.count() == 0


def test_item_create_takes_the_first_of_an_ambiguous_time_and_says_so(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:item_create", args=[world.visit.pk]),
        _item_data(world, day="2019-11-03", start_time="01:30", end_time="03:00"),
        follow=True,
    )

    item = world.visit.itinerary_items.get(title="Community policing")
    assert item.starts_at == dt.datetime(2019, 11, 3, 6, 30, tzinfo=dt.UTC)  # 01:30 CDT, the first one
    assert [str(m) for m in response.context["messages"]][0] == (
        "2019-11-03 01:30 happens twice in Nashville as the clocks go back; the first occurrence "
        "(still on summer time) was taken. If you meant the second, choose it in the item's form."
    )


def test_item_create_takes_the_second_of_an_ambiguous_time_when_chosen(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:item_create", args=[world.visit.pk]),
        _item_data(world, day="2019-11-03", start_time="01:30", end_time="03:00", start_occurrence="1"),
        follow=True,
    )

    item = world.visit.itinerary_items.get(title="Community policing")
    assert item.starts_at == dt.datetime(2019, 11, 3, 7, 30, tzinfo=dt.UTC)  # 01:30 CST, the second one
    assert [str(m) for m in response.context["messages"]] == ["“Community policing” added to the itinerary."]


def test_item_across_the_repeated_hour_is_thirty_minutes_and_its_form_shows_the_choice(client, world):
    client.force_login(world.officer)
    data = _item_data(world, day="2019-11-03", start_time="01:30", end_time="01:00", end_occurrence="1")

    client.post(reverse("visits:item_create", args=[world.visit.pk]), data)

    item = world.visit.itinerary_items.get(title="Community policing")
    assert (item.starts_at, item.ends_at) == (
        dt.datetime(2019, 11, 3, 6, 30, tzinfo=dt.UTC),  # 01:30 CDT
        dt.datetime(2019, 11, 3, 7, 0, tzinfo=dt.UTC),  # 01:00 CST
    )
    edit = client.get(reverse("visits:item_edit", args=[world.visit.pk, item.pk]), follow=True)
    form = edit.context["edit_form"]
    assert (form["start_occurrence"].value(), form["end_occurrence"].value()) == (0, 1)


def test_item_create_outside_the_visit_says_why_and_keeps_the_input(client, world):
    client.force_login(world.officer)

    response = client.post(reverse("visits:item_create", args=[world.visit.pk]), _item_data(world, day="2019-11-12"))

    assert response.status_code == 400
    assert response.context["item_form"].errors["start_time"] == [
        "This item falls outside the visit's dates (2019-11-03 to 2019-11-09) in Nashville's local time."
    ]
    assert response.context["item_form"]["host_contact"].value() == "Lt. Sample"
    assert world.visit.itinerary_items.count() == 1


def test_item_create_end_before_start_is_refused(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:item_create", args=[world.visit.pk]), _item_data(world, start_time="11:00", end_time="10:00")
    )

    assert response.status_code == 400
    assert response.context["item_form"].errors["end_time"] == ["An item must end after it starts."]


def test_item_edit_moves_the_item_and_keeps_its_page(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:item_edit", args=[world.visit.pk, world.item.pk]),
        {f"edit-{key}": value for key, value in _item_data(world, start_time="14:00", end_time="15:00").items()},
    )

    world.item.refresh_from_db()
    assert response.status_code == 302
    assert world.item.starts_at == dt.datetime(2019, 11, 4, 20, 0, tzinfo=dt.UTC)
    assert world.item.title == "Community policing"


def test_item_duplicate_copies_hosts_and_opens_the_copy(client, world):
    world.item.host_organisations.add(world.organisation)
    client.force_login(world.officer)

    response = client.post(reverse("visits:item_duplicate", args=[world.visit.pk, world.item.pk]))

    copy = world.visit.itinerary_items.exclude(pk=world.item.pk).get()
    assert response["Location"] == reverse("visits:visit_detail", args=[world.visit.pk]) + (
        f"?edit={copy.pk}#item-{copy.pk}"
    )
    assert copy.title == f"{world.item.title} (copy)"
    assert list(copy.host_organisations.all()) == [world.organisation]


def test_item_delete_removes_it(client, world):
    client.force_login(world.officer)

    client.post(reverse("visits:item_delete", args=[world.visit.pk, world.item.pk]))

    assert world.visit.itinerary_items.count() == 0


def test_visit_page_warns_on_overlaps(client, world):
    ItineraryItemFactory(
        visit=world.visit, city=world.city, title="Lunch", starts_at=dt.datetime(2019, 11, 4, 15, 30, tzinfo=dt.UTC)
    )
    client.force_login(world.officer)

    response = client.get(reverse("visits:visit_detail", args=[world.visit.pk]))

    items = [item for day in response.context["days"] for item in day.items]
    assert [[other.title for other in item.overlaps] for item in items] == [["Lunch"], [world.item.title]]
    assert response.content.decode().count("warning-overlap") == 2


def test_visit_page_warns_on_items_outside_new_dates(client, world):
    world.visit.starts_on = dt.date(2019, 11, 5)
    world.visit.save()
    client.force_login(world.officer)

    response = client.get(reverse("visits:visit_detail", args=[world.visit.pk]))

    assert response.content.decode().count("warning-outside") == 1


def test_publish_and_unpublish(client, world):
    world.visit.status, world.visit.published_at = StudyVisit.Status.DRAFT, None
    world.visit.save()
    client.force_login(world.officer)

    preview = visit_publish_preview(world.visit, by=world.officer)
    client.post(
        reverse("visits:visit_publish", args=[world.visit.pk]),
        {"fingerprint": preview.fingerprint, "ended_confirmed": "on"},
    )
    world.visit.refresh_from_db()
    published = world.visit.status
    client.post(reverse("visits:visit_unpublish", args=[world.visit.pk]))
    world.visit.refresh_from_db()

    assert (published, world.visit.status) == (StudyVisit.Status.PUBLISHED, StudyVisit.Status.DRAFT)


def test_publish_twice_says_why(client, world):
    client.force_login(world.officer)

    response = client.post(reverse("visits:visit_publish", args=[world.visit.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Only a draft visit can be published."]
    assert response.redirect_chain == [(reverse("visits:visit_detail", args=[world.visit.pk]), 302)]


def test_visit_create_with_end_before_start_says_why(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:visit_create"),
        {"programme": world.programme.pk, "title": "Next", "starts_on": "2020-05-10", "ends_on": "2020-05-01"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"ends_on": ["A visit cannot end before it starts."]}
    assert response.context["form"]["title"].value() == "Next"


def test_visit_create_in_another_programme_is_refused(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:visit_create"),
        {"programme": world.other_programme.pk, "title": "Sneaky", "starts_on": "2020-05-01", "ends_on": "2020-05-02"},
    )

    assert response.status_code == 400
    assert "programme" in response.context["form"].errors
    assert not StudyVisit.objects.filter(title="Sneaky").exists()


def test_stop_create_outside_the_visit_says_why(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:stop_create", args=[world.visit.pk]),
        {"stop-city": world.city.pk, "stop-arrives_on": "2019-11-01", "stop-departs_on": "2019-11-04"},
    )

    assert response.status_code == 400
    assert response.context["stop_form"].non_field_errors() == [
        "The dates in Nashville must lie within the visit (2019-11-03 to 2019-11-09)."
    ]


def test_stop_create_goes_after_the_last(client, world):
    client.force_login(world.officer)

    client.post(
        reverse("visits:stop_create", args=[world.visit.pk]),
        {"stop-city": world.city.pk, "stop-arrives_on": "2019-11-05", "stop-departs_on": "2019-11-06"},
    )

    assert list(world.visit.stops.values_list("position", flat=True)) == [1, 2]


def test_visit_clone_shifts_the_itinerary(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:visit_clone", args=[world.visit.pk]), {"title": "Next year", "starts_on": "2020-11-01"}
    )

    clone = StudyVisit.objects.get(title="Next year")
    assert response["Location"] == clone.get_absolute_url()
    assert (clone.starts_on, clone.ends_on, clone.status) == (
        dt.date(2020, 11, 1),
        dt.date(2020, 11, 7),
        StudyVisit.Status.DRAFT,
    )
    assert [
        item.local_start.strftime("%Y-%m-%d %H:%M %Z") for item in clone.itinerary_items.select_related("city")
    ] == ["2020-11-02 09:00 CST"]


def test_follow_up_status_moves_the_card(client, world):
    client.force_login(world.officer)

    client.post(reverse("outcomes:follow_up_status", args=[world.follow_up.pk]), {"status": FollowUp.Status.DONE})

    world.follow_up.refresh_from_db()
    assert world.follow_up.status == FollowUp.Status.DONE


def test_follow_up_with_two_owners_says_why(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("outcomes:follow_up_create"),
        {
            "visit": world.visit.pk,
            "title": "Join SCN",
            "owner_city": world.city.pk,
            "owner_organisation": world.organisation.pk,
            "status": FollowUp.Status.OPEN,
        },
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Choose exactly one owner: a person, an organisation or a city."
    ]


def test_programme_create_assigns_its_creator(client, world):
    client.force_login(world.officer)

    client.post(
        reverse("visits:programme_create"),
        {"name": "Efus exchange", "organiser": world.organisation.pk, "reminder_days": "7, 1"},
    )

    assert list(world.officer.programmes.order_by("name").values_list("name", flat=True)) == [
        "Efus exchange",
        world.programme.name,
    ]


def test_programme_reminder_days_in_words(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:programme_create"), {"name": "X", "organiser": world.organisation.pk, "reminder_days": "a week"}
    )

    assert response.context["form"].errors["reminder_days"] == [
        "Give whole numbers of days between 0 and 365, separated by commas, e.g. “7, 1”."
    ]


def test_roster_add_set_role_and_status(client, world):
    person = ParticipantFactory(created_by=world.officer)
    client.force_login(world.officer)

    client.post(
        reverse("delegations:member_add", args=[world.delegation.pk]),
        {"participant": person.pk, "role": DelegationMember.Role.EXPERT, "status": DelegationMember.Status.INVITED},
    )
    member = world.delegation.members.get(participant=person)
    client.post(
        reverse("delegations:member_edit", args=[world.delegation.pk, member.pk]),
        {f"m{member.pk}-role": DelegationMember.Role.COORDINATOR, f"m{member.pk}-status": "confirmed"},
    )
    member.refresh_from_db()

    assert (member.role, member.status) == (DelegationMember.Role.COORDINATOR, DelegationMember.Status.CONFIRMED)
    assert member.responded_at is not None


def test_roster_add_twice_says_why(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("delegations:member_add", args=[world.delegation.pk]),
        {"participant": world.participant.pk, "role": "member", "status": "invited"},
    )

    assert response.status_code == 400
    assert response.context["add_form"].errors == {"participant": ["This person is already on the roster."]}


def test_roster_cannot_add_someone_elses_participant(client, world):
    stranger = ParticipantFactory(created_by=world.other_officer)
    client.force_login(world.officer)

    response = client.post(
        reverse("delegations:member_add", args=[world.delegation.pk]),
        {"participant": stranger.pk, "role": "member", "status": "invited"},
    )

    assert response.status_code == 400
    assert not world.delegation.members.filter(participant=stranger).exists()


def test_new_participant_and_delegation_are_visible_only_to_their_creator(client, world):
    client.force_login(world.other_officer)
    client.post(
        reverse("delegations:participant_create"),
        {"first_name": "Ann", "last_name": "New", "profession": "other", "preferred_language": "fr"},
    )
    client.post(reverse("delegations:delegation_create"), {"name": "New group", "home_cities": [world.city.pk]})
    client.force_login(world.officer)

    participants = client.get(reverse("delegations:participant_list")).context["object_list"]
    delegations = client.get(reverse("delegations:delegation_list")).context["object_list"]

    assert list(participants) == [world.participant]
    assert list(delegations) == [world.delegation]


def test_city_with_unknown_zone_says_why(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("partners:city_create"), {"name": "Atlantis", "country": "XX", "timezone": "Mars/Olympus"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "timezone": ["“Mars/Olympus” is not an IANA time zone, such as Europe/Brussels."]
    }


def test_participant_search_and_filter(client, world):
    ParticipantFactory(first_name="Willy", last_name="Demeyer", profession="elected", created_by=world.officer)
    client.force_login(world.officer)

    found = client.get(reverse("delegations:participant_list"), {"q": "demey", "profession": "elected"})

    assert [p.last_name for p in found.context["object_list"]] == ["Demeyer"]


def test_list_filter_with_bad_value_says_why(client, world):
    client.force_login(world.officer)

    response = client.get(reverse("visits:visit_list"), {"year": "soon"})

    assert response.status_code == 200
    assert response.context["filter"].errors == {"year": ["Enter a number."]}


def test_item_host_contact_is_saved_and_shown_with_whom_it_is_shared(client, world):
    client.force_login(world.officer)
    contact = {"host_contact_role": "Community liaison", "host_contact_phone": "+1 (615) 555-0100"}

    client.post(
        reverse("visits:item_create", args=[world.visit.pk]),
        _item_data(world, host_contact_shared="on", **contact),
    )
    client.post(
        reverse("visits:item_create", args=[world.visit.pk]),
        _item_data(world, title="Private briefing", host_contact="Sgt. Hidden", **contact),
    )
    content = client.get(reverse("visits:visit_detail", args=[world.visit.pk])).content.decode()

    shared = world.visit.itinerary_items.get(title="Community policing")
    assert (shared.host_contact, shared.host_contact_role, shared.host_contact_phone, shared.host_contact_shared) == (
        "Lt. Sample",
        "Community liaison",
        "+1 (615) 555-0100",
        True,
    )
    assert world.visit.itinerary_items.get(title="Private briefing").host_contact_shared is False
    assert re.findall(r'class="badge [^"]+ host-contact-(shared|private)"', content) == ["shared", "private"]
    assert content.count('href="tel:+16155550100"') == 2


def test_item_host_contact_phone_must_be_a_number(client, world):
    client.force_login(world.officer)

    response = client.post(
        reverse("visits:item_create", args=[world.visit.pk]), _item_data(world, host_contact_phone="call the desk")
    )

    assert response.status_code == 400
    assert response.context["item_form"].errors["host_contact_phone"] == [
        "Enter a phone number with digits, spaces, dashes or brackets, e.g. +1 615 555 0100."
    ]
    assert not world.visit.itinerary_items.filter(title="Community policing").exists()


def test_add_item_form_starts_with_empty_host_contact_fields(client, world):
    client.force_login(world.officer)

    form = client.get(reverse("visits:visit_detail", args=[world.visit.pk])).context["item_form"]
    content = form.as_p()

    assert form["host_contact_phone"].value() == form["host_contact_role"].value() == ""
    assert "DatabaseDefault" not in content
