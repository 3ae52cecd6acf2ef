"""The benchmark's data loader at its smallest scale: what it makes, and that it refuses a second load."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from bench.management.commands.bench_data import DEFAULT_FEED_TOKEN, DEFAULT_PASSWORD, DELEGATE_EMAIL, OFFICER_EMAIL
from delegations.models import Delegation, DelegationMember, Participant
from outcomes.models import FollowUp
from visits.models import ItineraryItem, Programme, StudyVisit

pytestmark = pytest.mark.django_db


def test_bench_data_at_scale_one_loads_the_promised_rows():
    call_command("bench_data", scale=1, stdout=io.StringIO())

    assert Programme.objects.count() == 1
    assert StudyVisit.objects.count() == 10
    assert Delegation.objects.count() == 10
    assert Participant.objects.count() == 100
    assert DelegationMember.objects.count() == 100
    assert ItineraryItem.objects.count() == 1000
    assert FollowUp.objects.count() == 20
    assert ItineraryItem.host_organisations.through.objects.count() == 1000
    assert ItineraryItem.history.count() == 1000


def test_bench_data_items_fall_inside_their_visits_in_local_time():
    call_command("bench_data", scale=1, stdout=io.StringIO())

    outside = [
        item.pk
        for item in ItineraryItem.objects.select_related("visit", "city")
        if not item.visit.starts_on <= item.local_start.date() <= item.local_end.date() <= item.visit.ends_on
    ]
    assert outside == []


def test_bench_data_accounts_reach_their_pages(client):
    call_command("bench_data", scale=1, stdout=io.StringIO())
    visit = StudyVisit.objects.get(title="Bench visit 0")
    delegate = Client()

    assert client.login(email=OFFICER_EMAIL, password=DEFAULT_PASSWORD)
    assert delegate.login(email=DELEGATE_EMAIL, password=DEFAULT_PASSWORD)
    assert client.get(reverse("visits:visit_detail", args=[visit.pk])).status_code == 200
    assert delegate.get(reverse("my:itinerary", args=[visit.pk])).status_code == 200
    assert Client().get(reverse("my:feed", args=[DEFAULT_FEED_TOKEN])).status_code == 200


def test_bench_data_refuses_a_database_that_holds_data():
    call_command("bench_data", scale=1, stdout=io.StringIO())

    with pytest.raises(CommandError, match="already holds data"):
        call_command("bench_data", scale=1, stdout=io.StringIO())

    assert StudyVisit.objects.count() == 10
