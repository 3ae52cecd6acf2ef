"""Merging directory records (every reference moved, history kept) and deleting what nothing uses."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delegations.models import DelegationMember, Participant
from delegations.services import participant_delete, participant_merge
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from officers.merge import references
from outcomes.tests.factories import FollowUpFactory
from partners.models import City, NetworkMembership, Organisation
from partners.services import city_delete, city_merge, organisation_delete, organisation_merge
from partners.tests.factories import CityFactory, NetworkFactory, NetworkMembershipFactory, OrganisationFactory
from tests.worlds import build_world, user_with_email
from trips.models import ItineraryLastSeen
from visits.models import ItineraryItem
from visits.tests.factories import ItineraryItemFactory

pytestmark = pytest.mark.django_db


def _reference_counts(obj) -> dict[str, int]:
    return {model._meta.label: count for model, count in references(obj)}


def _relation_labels(model) -> set[str]:
    return {relation.related_model._meta.label for relation in model._meta.related_objects}


def _officer_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_city_merge_moves_every_relation_to_the_city_kept():
    world = build_world()
    city = world.city
    participant = world.member.participant
    participant.home_city = city
    participant.save()
    world.visit.delegation.home_cities.add(city)
    kept = CityFactory(name="Nashville", region="Tennessee", country="US", timezone="America/Chicago")
    before = _reference_counts(city)

    city_merge(city, into=kept, by=world.officer)

    # The world refers to the city through every relation there is: a new one must be added to it.
    assert set(before) == _relation_labels(City)
    assert _reference_counts(kept) == before
    assert not City.objects.filter(pk=city.pk).exists()


def test_city_merge_records_history_with_who_and_why():
    world = build_world()
    kept = CityFactory(name="Nashville", region="Tennessee", country="US", timezone="America/Chicago")

    city_merge(world.city, into=kept, by=world.officer)

    record = ItineraryItem.history.filter(id=world.item.pk).latest("history_id")
    assert (record.city_id, record.history_user, record.history_change_reason) == (
        kept.pk,
        world.officer,
        "merged from Nashville (US)",
    )


def test_city_merge_drops_a_membership_the_kept_city_already_has():
    network = NetworkFactory()
    old, kept = CityFactory(), CityFactory()
    NetworkMembershipFactory(city=old, network=network, since="2019-01-01")
    period = NetworkMembershipFactory(city=kept, network=network, since="2019-01-01")
    other = NetworkMembershipFactory(city=old, network=network, since="2020-01-01")

    city_merge(old, into=kept, by=None)

    assert list(NetworkMembership.objects.order_by("since")) == [period, other]
    other.refresh_from_db()
    assert other.city == kept


def test_city_merge_into_itself_is_refused():
    city = CityFactory()

    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        city_merge(city, into=city, by=None)


def test_city_delete_in_use_is_refused_in_words():
    city = CityFactory(name="Nashville", region="Tennessee", country="US")
    ItineraryItemFactory(city=city)
    ItineraryItemFactory(city=city)

    with pytest.raises(ValidationError) as error:
        city_delete(city, by=None)

    assert error.value.messages[0].startswith("Nashville, Tennessee, US is used by 2 itinerary items")
    assert error.value.messages[0].endswith(": merge it into another instead.")
    assert City.objects.filter(pk=city.pk).exists()


def test_city_delete_unused_deletes_it():
    city = CityFactory()

    city_delete(city, by=None)

    assert not City.objects.filter(pk=city.pk).exists()


def test_organisation_merge_moves_many_to_many_and_units_without_doubles():
    world = build_world()
    programme = world.visit.programme
    old, kept = OrganisationFactory(name="Meridian Intl"), OrganisationFactory(name="Meridian International")
    programme.supporters.add(old, kept)
    unit = OrganisationFactory(parent=old)
    kept.parent = old
    kept.save()
    member = ParticipantFactory(organisation=old)
    FollowUpFactory(visit=world.visit, owner_city=None, owner_organisation=old)
    world.item.host_organisations.add(old)

    organisation_merge(old, into=kept, by=world.officer)

    kept.refresh_from_db()
    unit.refresh_from_db()
    member.refresh_from_db()
    assert list(programme.supporters.all()) == [kept]
    assert (unit.parent, kept.parent, member.organisation) == (kept, None, kept)
    assert list(world.item.host_organisations.all()) == [kept]
    assert world.item.history.latest("history_id").history_change_reason == "merged from Meridian Intl"
    assert not Organisation.objects.filter(pk=old.pk).exists()


def test_organisation_delete_in_use_is_refused():
    organisation = OrganisationFactory(name="Efus")
    ParticipantFactory(organisation=organisation)

    with pytest.raises(ValidationError, match="Efus is used by 1 participant"):
        organisation_delete(organisation, by=None)


def test_participant_merge_moves_rosters_and_fills_what_the_kept_one_lacks():
    world = build_world()
    delegation = world.visit.delegation
    old = world.member.participant
    old.phone = "+32 4 000"
    old.save()
    kept = ParticipantFactory(first_name="Ana", last_name="Kept", email="", phone="")
    DelegationMemberFactory(delegation=delegation, participant=kept)
    other_roster = DelegationMemberFactory(participant=old)
    ItineraryLastSeen.objects.create(visit=world.visit, participant=old, seen_at=timezone.now())
    ItineraryLastSeen.objects.create(visit=world.visit, participant=kept, seen_at=timezone.now())
    delegation.head = old
    delegation.save()
    FollowUpFactory(visit=world.visit, owner_city=None, owner_participant=old)
    before = _reference_counts(old)

    participant_merge(old, into=kept, by=world.officer)

    kept.refresh_from_db()
    assert (kept.email, kept.phone, kept.user) == ("delegate@example.org", "+32 4 000", world.delegate)
    assert sorted(DelegationMember.objects.filter(participant=kept).values_list("delegation_id", flat=True)) == [
        delegation.pk,
        other_roster.delegation_id,
    ]
    # The world refers to the person through every relation there is: a new one must be added to it.
    assert set(before) == _relation_labels(Participant)
    assert ItineraryLastSeen.objects.filter(participant=kept).count() == 1
    delegation.refresh_from_db()
    assert delegation.head == kept
    assert not Participant.objects.filter(pk=old.pk).exists()
    assert Participant.history.filter(id=old.pk).latest("history_id").history_change_reason == ("merged into Ana Kept")
    assert kept.history.latest("history_id").history_user == world.officer


def test_participant_merge_of_two_logins_is_refused():
    first = ParticipantFactory(user=user_with_email("a@example.org"))
    second = ParticipantFactory(user=user_with_email("b@example.org"))

    with pytest.raises(ValidationError, match="both have a login"):
        participant_merge(first, into=second, by=None)

    assert Participant.objects.count() == 2


def test_participant_delete_on_a_roster_is_refused():
    member = DelegationMemberFactory()

    with pytest.raises(ValidationError, match="is referred to by 1 delegation member"):
        participant_delete(member.participant, by=None)


def test_city_merge_page_merges_and_goes_to_the_city_kept():
    world = build_world()
    kept = CityFactory(name="Nashville", region="Tennessee", country="US", timezone="America/Chicago")
    client = _officer_client(world.officer)

    response = client.post(reverse("partners:city_merge", args=[world.city.pk]), {"into": kept.pk, "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == kept.get_absolute_url()
    world.item.refresh_from_db()
    assert world.item.city == kept


def test_city_merge_page_without_confirmation_saves_nothing():
    world = build_world()
    kept = CityFactory()

    response = _officer_client(world.officer).post(
        reverse("partners:city_merge", args=[world.city.pk]), {"into": kept.pk}
    )

    assert response.status_code == 400
    assert City.objects.filter(pk=world.city.pk).exists()


def test_delete_button_only_for_a_city_nothing_uses():
    world = build_world()
    unused = CityFactory()
    client = _officer_client(world.officer)

    used_page = client.get(reverse("partners:city_detail", args=[world.city.pk])).content.decode()
    unused_page = client.get(reverse("partners:city_detail", args=[unused.pk])).content.decode()

    assert reverse("partners:city_delete", args=[world.city.pk]) not in used_page
    assert reverse("partners:city_delete", args=[unused.pk]) in unused_page


def test_city_delete_page_in_use_says_why():
    world = build_world()
    client = _officer_client(world.officer)

    response = client.post(reverse("partners:city_delete", args=[world.city.pk]), follow=True)

    assert "Nashville, US is used by " in response.content.decode()
    assert City.objects.filter(pk=world.city.pk).exists()


def test_participant_merge_page_offers_only_people_in_reach():
    world = build_world()
    elsewhere = world.other_visit.delegation.members.get().participant
    client = _officer_client(world.officer)

    response = client.post(
        reverse("delegations:participant_merge", args=[world.member.participant_id]),
        {"into": elsewhere.pk, "confirm": "on"},
    )

    assert response.status_code == 400
    assert elsewhere.full_name not in response.content.decode()
    assert Participant.objects.filter(pk=world.member.participant_id).exists()


def test_visit_page_after_a_city_merge_shows_the_history_of_its_items_and_legs():
    # The older history records of the item and the leg still name the city merged away.
    world = build_world()
    kept = CityFactory(name="Nashville", region="Tennessee", country="US", timezone="America/Chicago")
    client = _officer_client(world.officer)

    client.post(reverse("partners:city_merge", args=[world.city.pk]), {"into": kept.pk, "confirm": "on"})
    response = client.get(reverse("visits:visit_detail", args=[world.visit.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "(merged from Nashville (US))" in page
    assert f"Coach Nashville → {world.leg.to_city.name}" in page
    assert f"Coach — → {world.leg.to_city.name}" in page


def test_delegation_page_after_a_participant_merge_names_no_one_as_none():
    # The roster's older history records still point at the person merged away.
    world = build_world()
    twice = ParticipantFactory(first_name="Jan", last_name="Peeters", email="")
    DelegationMemberFactory(delegation=world.visit.delegation, participant=twice)
    kept = ParticipantFactory(first_name="Jan", last_name="Peeters", created_by=world.officer)
    client = _officer_client(world.officer)

    client.post(reverse("delegations:participant_merge", args=[twice.pk]), {"into": kept.pk, "confirm": "on"})
    response = client.get(reverse("delegations:delegation_detail", args=[world.visit.delegation.pk]))

    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "delegation member: Jan Peeters (merged from Jan Peeters)" in page
    assert "delegation member: None" not in page
    assert "delegation member: —" in page
