"""Meeting notes, lessons and membership outcomes: services and pages."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from outcomes.models import FollowUp, ItemNote, Lesson
from outcomes.services import follow_up_record_membership, lesson_create
from outcomes.tests.factories import FollowUpFactory, ItemNoteFactory, LessonFactory
from partners.models import NetworkMembership
from partners.tests.factories import CityFactory, NetworkFactory, NetworkMembershipFactory, OrganisationFactory
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, StudyVisitFactory, ThemeFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def officer():
    return User.objects.create_user(username="o@example.org", email="o@example.org")


@pytest.fixture
def visit(officer):
    visit = PublishedVisitFactory()
    visit.programme.officers.add(officer)
    return visit


@pytest.fixture
def delegate(visit):
    user = User.objects.create_user(username="d@example.org", email="d@example.org")
    DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory(user=user))
    return user


# Services


def test_follow_up_record_membership_closes_the_open_period_and_links_the_new_one(officer):
    liege, scn = CityFactory(name="Liège"), NetworkFactory(name="Strong Cities Network")
    contributing = NetworkMembershipFactory(
        city=liege, network=scn, status=NetworkMembership.Status.CONTRIBUTING, since=dt.date(2016, 1, 1)
    )
    follow_up = FollowUpFactory(owner_city=liege)

    follow_up = follow_up_record_membership(
        follow_up, by=officer, status=NetworkMembership.Status.MEMBER, since=dt.date(2020, 9, 1), network=scn
    )

    contributing.refresh_from_db()
    assert contributing.until == dt.date(2020, 8, 31)
    membership = follow_up.resulting_membership
    assert (membership.city, membership.network, membership.status, membership.since, membership.until) == (
        liege,
        scn,
        "member",
        dt.date(2020, 9, 1),
        None,
    )
    assert follow_up.history.first().history_user == officer


def test_follow_up_record_membership_uses_the_owner_organisations_city(officer):
    network = NetworkFactory()

    city_hall = OrganisationFactory(city=CityFactory(name="Verviers"))
    follow_up = FollowUpFactory(owner_city=None, owner_organisation=city_hall)

    follow_up = follow_up_record_membership(
        follow_up, by=officer, status="applying", since=dt.date(2021, 1, 1), network=network
    )

    assert follow_up.resulting_membership.city.name == "Verviers"


def test_follow_up_record_membership_refuses_a_date_before_the_open_period(officer):
    liege, scn = CityFactory(), NetworkFactory()
    NetworkMembershipFactory(city=liege, network=scn, status="applying", since=dt.date(2019, 11, 15))
    follow_up = FollowUpFactory(owner_city=liege)

    with pytest.raises(ValidationError) as error:
        follow_up_record_membership(follow_up, by=officer, status="member", since=dt.date(2019, 1, 1), network=scn)

    assert "choose a later date" in error.value.messages[0]
    assert NetworkMembership.objects.count() == 1
    follow_up.refresh_from_db()
    assert follow_up.resulting_membership is None


def test_lesson_create_refuses_an_item_of_another_visit(officer):
    visit = StudyVisitFactory()

    with pytest.raises(ValidationError) as error:
        lesson_create(visit, by=officer, theme=ThemeFactory(), title="Lesson", item=ItineraryItemFactory())

    assert error.value.message_dict == {"item": ["Choose an item of this visit's itinerary."]}
    assert Lesson.objects.count() == 0


# Pages


def test_officer_adds_a_note_and_a_lesson(client, officer, visit):
    item, theme = ItineraryItemFactory(visit=visit), ThemeFactory()
    client.force_login(officer)
    url = reverse("outcomes:visit_notes", args=[visit.pk])

    client.post(url, {"note-item": item.pk, "note-discussed": "Community policing", "note-met_with": "MNPD"})
    client.post(url, {"lesson-theme": theme.pk, "lesson-title": "Share information", "lesson-item": item.pk})

    note = ItemNote.objects.get()
    assert (note.item, note.discussed, note.met_with, note.author) == (item, "Community policing", "MNPD", officer)
    lesson = Lesson.objects.get()
    assert (lesson.visit, lesson.theme, lesson.title, lesson.author) == (visit, theme, "Share information", officer)


def test_delegate_adds_a_note_on_their_visit_under_my(client, delegate, visit):
    item = ItineraryItemFactory(visit=visit)
    client.force_login(delegate)

    response = client.post(
        reverse("outcomes:my_visit_notes", args=[visit.pk]), {"note-item": item.pk, "note-discussed": "Mediation"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:my_visit_notes", args=[visit.pk])
    assert ItemNote.objects.get().author == delegate


def test_delegate_cannot_use_the_officer_pages_or_a_draft_visit(client, delegate, visit):
    draft = StudyVisitFactory(delegation=visit.delegation)
    client.force_login(delegate)

    assert client.get(reverse("outcomes:visit_notes", args=[visit.pk])).status_code == 404
    assert client.get(reverse("outcomes:my_visit_notes", args=[draft.pk])).status_code == 404
    assert (
        client.get(reverse("outcomes:follow_up_membership", args=[FollowUpFactory(visit=visit).pk])).status_code == 404
    )


def test_delegate_edits_only_their_own_notes(client, delegate, officer, visit):
    mine = ItemNoteFactory(item=ItineraryItemFactory(visit=visit), author=delegate)
    theirs = ItemNoteFactory(item=mine.item, author=officer, discussed="Officer's words")
    client.force_login(delegate)

    client.post(reverse("outcomes:my_note_edit", args=[visit.pk, mine.pk]), {"discussed": "Corrected", "met_with": ""})
    client.post(reverse("outcomes:my_note_edit", args=[visit.pk, theirs.pk]), {"discussed": "Hijacked", "met_with": ""})

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.discussed == "Corrected"
    assert theirs.discussed == "Officer's words"


def test_officer_edits_a_lesson_and_history_keeps_the_old_title(client, officer, visit):
    lesson = LessonFactory(visit=visit, title="Old")
    client.force_login(officer)

    client.post(
        reverse("outcomes:lesson_edit", args=[visit.pk, lesson.pk]),
        {"theme": lesson.theme_id, "title": "New", "body": ""},
    )

    assert [h.title for h in lesson.history.all()] == ["New", "Old"]


def test_notes_pages_are_refused_outside_the_officers_programmes(client, visit):
    stranger = User.objects.create_user(username="s@example.org", email="s@example.org")
    note = ItemNoteFactory(item=ItineraryItemFactory(visit=visit))
    client.force_login(stranger)

    assert client.get(reverse("outcomes:visit_notes", args=[visit.pk])).status_code == 404
    assert client.get(reverse("outcomes:note_edit", args=[visit.pk, note.pk])).status_code == 404
    assert client.get(reverse("outcomes:my_visit_notes", args=[visit.pk])).status_code == 404


def test_notes_page_sends_anonymous_users_to_sign_in(client, visit):
    response = client.get(reverse("outcomes:visit_notes", args=[visit.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_membership_page_records_the_outcome(client, officer, visit):
    liege, scn = CityFactory(name="Liège"), NetworkFactory()
    follow_up = FollowUpFactory(visit=visit, owner_city=liege)
    client.force_login(officer)

    response = client.post(
        reverse("outcomes:follow_up_membership", args=[follow_up.pk]),
        {"network": scn.pk, "status": "member", "since": "2020-09-01"},
    )

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.resulting_membership.city, follow_up.resulting_membership.status) == (liege, "member")


def test_membership_page_shows_a_refusal_in_words(client, officer, visit):
    liege, scn = CityFactory(), NetworkFactory()
    NetworkMembershipFactory(city=liege, network=scn, status="applying", since=dt.date(2019, 11, 15))
    follow_up = FollowUpFactory(visit=visit, owner_city=liege)
    client.force_login(officer)

    response = client.post(
        reverse("outcomes:follow_up_membership", args=[follow_up.pk]),
        {"network": scn.pk, "status": "member", "since": "2019-01-01"},
    )

    assert response.status_code == 200
    assert "choose a later date" in response.content.decode()
    assert NetworkMembership.objects.count() == 1


@pytest.mark.parametrize("size", [1, 5])
def test_notes_page_query_count_does_not_grow(client, django_assert_num_queries, officer, visit, size):
    for _ in range(size):
        item = ItineraryItemFactory(visit=visit)
        ItemNoteFactory(item=item, author=officer)
        LessonFactory(visit=visit, item=item, author=officer)
    client.force_login(officer)

    with django_assert_num_queries(6):
        response = client.get(reverse("outcomes:visit_notes", args=[visit.pk]))

    assert response.status_code == 200


def test_follow_up_record_membership_with_close_marks_the_follow_up_done_in_its_history(officer):
    liege, scn = CityFactory(name="Liège"), NetworkFactory()
    follow_up = FollowUpFactory(owner_city=liege, status=FollowUp.Status.IN_PROGRESS)

    follow_up = follow_up_record_membership(
        follow_up, by=officer, status="member", since=dt.date(2020, 9, 1), network=scn, close=True
    )

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert [(r.status, r.history_change_reason, r.history_user) for r in follow_up.history.order_by("history_id")][
        -2:
    ] == [
        (FollowUp.Status.IN_PROGRESS, "network membership recorded", officer),
        (FollowUp.Status.DONE, "status: done", officer),
    ]


def test_follow_up_record_membership_without_close_leaves_the_status(officer):
    follow_up = FollowUpFactory(owner_city=CityFactory())

    follow_up_record_membership(
        follow_up, by=officer, status="member", since=dt.date(2020, 9, 1), network=NetworkFactory()
    )

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.resulting_membership is not None) == (FollowUp.Status.OPEN, True)


def test_membership_page_offers_to_close_the_follow_up_ticked(client, officer, visit):
    follow_up = FollowUpFactory(visit=visit, owner_city=CityFactory())
    client.force_login(officer)

    form = client.get(reverse("outcomes:follow_up_membership", args=[follow_up.pk])).context["form"]

    assert form["close_follow_up"].value() is True


def test_membership_page_closes_the_follow_up_when_ticked(client, officer, visit):
    follow_up = FollowUpFactory(visit=visit, owner_city=CityFactory())
    client.force_login(officer)

    response = client.post(
        reverse("outcomes:follow_up_membership", args=[follow_up.pk]),
        {"network": NetworkFactory().pk, "status": "member", "since": "2020-09-01", "close_follow_up": "on"},
        follow=True,
    )

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert "The network membership was recorded and the follow-up is done." in response.content.decode()


def test_membership_page_leaves_the_follow_up_open_when_unticked(client, officer, visit):
    follow_up = FollowUpFactory(visit=visit, owner_city=CityFactory())
    client.force_login(officer)

    client.post(
        reverse("outcomes:follow_up_membership", args=[follow_up.pk]),
        {"network": NetworkFactory().pk, "status": "member", "since": "2020-09-01"},
    )

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.resulting_membership is not None) == (FollowUp.Status.OPEN, True)


def test_membership_page_of_a_dropped_follow_up_offers_no_close(client, officer, visit):
    follow_up = FollowUpFactory(visit=visit, owner_city=CityFactory(), status=FollowUp.Status.DROPPED)
    client.force_login(officer)

    client.post(
        reverse("outcomes:follow_up_membership", args=[follow_up.pk]),
        {"network": NetworkFactory().pk, "status": "member", "since": "2020-09-01", "close_follow_up": "on"},
    )

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DROPPED
