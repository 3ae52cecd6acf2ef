"""What the fuzz found, pinned as plain tests: each bad input is a form error, not a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.worlds import build_world
from visits.models import PersonalTravel, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_programme_edit_without_reminder_days_says_they_are_required(world):
    programme = world.visit.programme
    data = {"name": "Renamed", "organiser": programme.organiser_id}

    response = _signed_in(world.officer).post(reverse("visits:programme_edit", args=[programme.pk]), data)

    assert response.status_code == 400
    assert response.context["form"].errors["reminder_days"] == ["This field is required."]
    assert Programme.objects.get(pk=programme.pk).name == programme.name


def test_programme_create_without_reminder_days_saves_nothing(world):
    data = {"name": "New one", "organiser": world.visit.programme.organiser_id}

    response = _signed_in(world.officer).post(reverse("visits:programme_create"), data)

    assert response.status_code == 400
    assert not Programme.objects.filter(name="New one").exists()


def test_travel_edit_moving_only_the_departure_past_the_arrival_says_why(world):
    url = reverse("my:travel_edit", args=[world.visit.pk, world.travel.pk])
    # The saved arrival is 20:00 UTC; leaving at 21:00 UTC (11:00 in Honolulu) would arrive before leaving.
    data = {"departure_timezone": "Pacific/Honolulu", "departs_local": "2019-11-03T11:00"}

    response = _signed_in(world.delegate).post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["departs_local"] == [
        "The arrival must come after the departure, counting both time zones."
    ]
    assert PersonalTravel.objects.get(pk=world.travel.pk).departure_timezone == "Europe/Brussels"
