"""The officer's dashboard: scoped to one programme, and honest about what is open."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from outcomes.models import FollowUp
from outcomes.selectors import open_follow_ups_for_officer
from outcomes.tests.factories import FollowUpFactory
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
    user.city_pair, user.strong_cities = ProgrammeFactory(name="City Pair"), ProgrammeFactory(name="Strong Cities")
    user.city_pair.officers.add(user)
    user.strong_cities.officers.add(user)
    return user


def _visit(programme, title, today):
    return StudyVisitFactory(programme=programme, title=title, starts_on=today, ends_on=today + dt.timedelta(days=2))


def test_open_follow_ups_count_every_overdue_and_other_open_one_beyond_the_first_few(officer):
    today = dt.date(2026, 3, 1)
    visit = _visit(officer.city_pair, "Liège in Nashville", today)
    for days in (1, 2, 3):
        FollowUpFactory(visit=visit, due_on=today - dt.timedelta(days=days))
    FollowUpFactory(visit=visit, due_on=today + dt.timedelta(days=5), status=FollowUp.Status.IN_PROGRESS)
    FollowUpFactory(visit=visit, due_on=None)
    FollowUpFactory(visit=visit, due_on=today - dt.timedelta(days=9), status=FollowUp.Status.DONE)

    follow_ups = open_follow_ups_for_officer(officer, today=today, limit=2)

    assert (len(follow_ups.overdue), follow_ups.overdue_count) == (2, 3)
    assert (len(follow_ups.due_later), follow_ups.due_later_count, follow_ups.count) == (2, 2, 5)


def test_dashboard_never_says_no_open_follow_ups_beside_overdue_ones(client, officer):
    today = timezone.localdate()
    visit = _visit(officer.city_pair, "Liège in Nashville", today)
    for days in (1, 2, 3, 4):
        FollowUpFactory(visit=visit, due_on=today - dt.timedelta(days=days))
    client.force_login(officer)

    page = client.get(reverse("home")).content.decode()

    assert "No open follow-ups" not in page
    assert "No other open follow-ups: all 4 open ones are overdue." in page
    assert '<span class="badge text-bg-danger" id="overdue-count">4</span>' in page


def test_dashboard_says_no_open_follow_ups_when_there_are_none(client, officer):
    client.force_login(officer)

    page = client.get(reverse("home")).content.decode()

    assert "No open follow-ups." in page
    assert "Nothing overdue." in page


def test_dashboard_scoped_to_one_programme_shows_only_its_visits_follow_ups_and_changes(client, officer):
    today = timezone.localdate()
    nashville = _visit(officer.city_pair, "Liège in Nashville", today)
    barcelona = _visit(officer.strong_cities, "Strasbourg in Barcelona", today)
    late = FollowUpFactory(visit=nashville, title="Send the Efus report", due_on=today - dt.timedelta(days=1))
    FollowUpFactory(visit=barcelona, title="Invite Barcelona", due_on=today - dt.timedelta(days=1))
    client.force_login(officer)

    response = client.get(reverse("home"), {"programme": officer.city_pair.pk})

    assert response.status_code == 200
    assert response.context["programme"] == officer.city_pair
    assert [v.title for v in response.context["ongoing"]] == ["Liège in Nashville"]
    assert response.context["follow_ups"].overdue == [late]
    assert {change.title for change in response.context["changes"]} == {"Liège in Nashville", "Send the Efus report"}
    page = response.content.decode()
    assert f'<option value="{officer.city_pair.pk}" selected>City Pair</option>' in page
    assert "Strasbourg in Barcelona" not in page


def test_dashboard_scope_outside_reach_is_refused_in_words_and_shows_everything(client, officer):
    elsewhere = ProgrammeFactory(name="Someone else's")
    StudyVisitFactory(programme=elsewhere, title="Not mine")
    _visit(officer.city_pair, "Liège in Nashville", timezone.localdate())
    client.force_login(officer)

    response = client.get(reverse("home"), {"programme": elsewhere.pk})

    assert response.status_code == 200
    assert response.context["programme"] is None
    page = response.content.decode()
    assert "Select a valid choice." in page
    assert "Liège in Nashville" in page
    assert "Not mine" not in page
