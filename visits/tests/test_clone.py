"""Cloning a visit leaves its cancelled items out, and says how many."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from partners.tests.factories import CityFactory
from visits import services
from visits.models import ItineraryItem, StudyVisit
from visits.tests.factories import ItineraryItemFactory, ProgrammeFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db

Status = ItineraryItem.Status


@pytest.fixture
def visit(django_user_model):
    officer = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    programme = ProgrammeFactory()
    programme.officers.add(officer)
    visit = StudyVisitFactory(programme=programme)
    city = CityFactory(name="Nashville", timezone="America/Chicago")
    for title, status in [("Kept", Status.CONFIRMED), ("Dropped", Status.CANCELLED), ("Asked", Status.REQUESTED)]:
        ItineraryItemFactory(visit=visit, city=city, title=title, status=status)
    visit.officer = officer
    return visit


def test_visit_clone_leaves_cancelled_items_out(visit):
    clone = services.visit_clone(visit, by=visit.officer, title="Next", starts_on=dt.date(2020, 11, 1))

    assert sorted(clone.itinerary_items.values_list("title", "status")) == [
        ("Asked", Status.REQUESTED),
        ("Kept", Status.REQUESTED),
    ]
    assert clone.cancelled_left_out == 1
    assert visit.itinerary_items.filter(status=Status.CANCELLED).count() == 1


def test_visit_clone_tells_the_officer_how_many_cancelled_items_it_left_out(client, visit):
    ItineraryItemFactory(visit=visit, city=visit.itinerary_items.first().city, status=Status.CANCELLED)
    client.force_login(visit.officer)

    response = client.post(reverse("visits:visit_clone", args=[visit.pk]), {"title": "Next", "starts_on": "2020-11-01"})

    assert response["Location"] == StudyVisit.objects.get(title="Next").get_absolute_url()
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "A new draft visit was started from this one. Its 2 cancelled items were left out."
    ]


def test_visit_clone_without_cancelled_items_says_only_that_it_started(client, visit):
    visit.itinerary_items.filter(status=Status.CANCELLED).delete()
    client.force_login(visit.officer)

    response = client.post(reverse("visits:visit_clone", args=[visit.pk]), {"title": "Next", "starts_on": "2020-11-01"})

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "A new draft visit was started from this one."
    ]
