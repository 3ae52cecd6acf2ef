"""Every officer list remembers its filters for the officer, per list; yes/no filters are checkboxes."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from outcomes.tests.factories import FollowUpFactory
from partners.tests.factories import NetworkMembershipFactory
from visits.tests.factories import ProgrammeFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def officer():
    user = get_user_model().objects.create_user(username="o@example.org", email="o@example.org")
    user.programme = ProgrammeFactory(name="City Pair")
    user.programme.officers.add(user)
    return user


@pytest.fixture
def client_in(client, officer):
    client.force_login(officer)
    return client


def test_coming_back_to_a_list_restores_its_last_filters(client_in, officer):
    visits = reverse("visits:visit_list")
    client_in.get(visits, {"q": "Liège", "programme": officer.programme.pk, "status": "", "year": ""})

    response = client_in.get(visits)

    assert (response.status_code, response["Location"]) == (
        302,
        f"{visits}?q=Li%C3%A8ge&programme={officer.programme.pk}",
    )


def test_each_list_remembers_its_own_filters(client_in):
    client_in.get(reverse("visits:visit_list"), {"q": "Liège"})
    client_in.get(reverse("partners:city_list"), {"q": "Nash", "country": ""})

    assert client_in.get(reverse("visits:visit_list"))["Location"].endswith("?q=Li%C3%A8ge")
    assert client_in.get(reverse("partners:city_list"))["Location"].endswith("?q=Nash")
    assert client_in.get(reverse("delegations:participant_list")).status_code == 200


def test_reset_filters_forgets_them_and_shows_the_whole_list(client_in):
    visits = reverse("visits:visit_list")
    client_in.get(visits, {"q": "Liège"})

    reset = client_in.get(visits, {"reset": "1"})

    assert (reset.status_code, reset["Location"]) == (302, visits)
    assert client_in.get(visits).status_code == 200


def test_an_emptied_filter_form_is_remembered_as_no_filters(client_in):
    visits = reverse("visits:visit_list")
    client_in.get(visits, {"q": "Liège"})
    client_in.get(visits, {"q": "", "status": ""})

    assert client_in.get(visits).status_code == 200


def test_a_page_number_or_a_link_filter_leaves_the_remembered_filters_alone(client_in, officer):
    board = reverse("outcomes:follow_up_board")
    visit = StudyVisitFactory(programme=officer.programme)
    client_in.get(board, {"q": "Efus", "overdue": "on"})

    assert client_in.get(board, {"visit": visit.pk}).status_code == 200
    assert client_in.get(reverse("visits:visit_list"), {"page": "1"}).status_code == 200

    assert client_in.get(board)["Location"] == f"{board}?q=Efus&overdue=on"


def test_invalid_filters_are_said_in_words_and_not_remembered(client_in):
    visits = reverse("visits:visit_list")

    response = client_in.get(visits, {"year": "twenty"})

    assert "Enter a number." in response.content.decode()
    assert client_in.get(visits).status_code == 200


def test_filters_are_remembered_per_officer(client_in, client, django_user_model):
    client_in.get(reverse("visits:visit_list"), {"q": "Liège"})
    other = django_user_model.objects.create_user(username="p@example.org", email="p@example.org")
    ProgrammeFactory().officers.add(other)
    client.logout()
    client.force_login(other)

    assert client.get(reverse("visits:visit_list")).status_code == 200


def test_overdue_only_is_one_checkbox_and_unticked_filters_nothing(client_in, officer):
    visit = StudyVisitFactory(programme=officer.programme)
    late = FollowUpFactory(visit=visit, due_on=dt.date(2019, 12, 1))
    later = FollowUpFactory(visit=visit, due_on=dt.date(2999, 1, 1))
    board = reverse("outcomes:follow_up_board")

    page = client_in.get(board).content.decode()
    ticked = client_in.get(board, {"q": "", "overdue": "on"}).context["columns"]
    unticked = client_in.get(board, {"q": ""}).context["columns"]

    assert '<input type="checkbox" name="overdue" class="form-check-input" id="id_overdue">' in page
    assert "Unknown" not in page
    assert [card for _value, _label, cards in ticked for card in cards] == [late]
    assert [card for _value, _label, cards in unticked for card in cards] == [late, later]


def test_current_only_unticked_keeps_former_memberships(client_in):
    current = NetworkMembershipFactory(since=dt.date(2019, 1, 1), until=None)
    former = NetworkMembershipFactory(since=dt.date(2010, 1, 1), until=dt.date(2012, 1, 1))
    memberships = reverse("partners:membership_list")

    ticked = client_in.get(memberships, {"city": "", "current": "on"}).context["object_list"]
    unticked = client_in.get(memberships, {"city": ""}).context["object_list"]

    assert list(ticked) == [current]
    assert sorted(m.pk for m in unticked) == sorted([current.pk, former.pk])


def test_the_filter_form_offers_reset_filters(client_in):
    page = client_in.get(reverse("delegations:delegation_list")).content.decode()

    assert f'href="{reverse("delegations:delegation_list")}?reset=1">Reset filters</a>' in page


def test_remembered_filters_that_no_longer_hold_are_forgotten(client_in, officer):
    visits = reverse("visits:visit_list")
    client_in.get(visits, {"programme": officer.programme.pk})
    officer.programme.officers.remove(officer)
    ProgrammeFactory().officers.add(officer)

    back = client_in.get(client_in.get(visits)["Location"])

    assert "Select a valid choice." in back.content.decode()
    assert client_in.get(visits).status_code == 200
