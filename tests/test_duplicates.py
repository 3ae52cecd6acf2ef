"""Duplicates and near-duplicates in the directory: refused or offered in words, with a link, once."""

import pytest
from django.test import Client
from django.urls import reverse

from delegations.models import Participant
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.models import City, Organisation
from partners.selectors import city_duplicate, city_near_duplicates, folded, region_folded
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.models import Programme, Theme
from visits.tests.factories import ProgrammeFactory, StudyVisitFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CITY = {"name": "Nashville", "region": "Tennessee", "country": "US", "timezone": "America/Chicago"}


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(username="officer@example.org", email="officer@example.org")
    ProgrammeFactory(name="City Pair").officers.add(user)
    return user


@pytest.fixture
def officer_client(officer) -> Client:
    client = Client()
    client.force_login(officer)
    return client


def test_folded_ignores_case_accents_and_spacing():
    assert folded("  LIÈGE  sur  Meuse ") == "liege sur meuse"
    assert region_folded("tn", "us") == "tennessee"
    assert region_folded("TN", "BE") == "tn"


def test_city_duplicate_ignores_case_and_accents():
    liege = CityFactory(name="Liège", region="Wallonie", country="BE")

    assert city_duplicate(name="liege", region="WALLONIE", country="BE") == liege
    assert city_duplicate(name="liege", region="", country="BE") is None
    assert city_duplicate(name="liege", region="Wallonie", country="BE", exclude_pk=liege.pk) is None


def test_city_near_duplicates_put_the_region_spelled_out_first():
    arkansas = CityFactory(name="Nashville", region="Arkansas", country="US")
    tennessee = CityFactory(name="Nashville", region="Tennessee", country="US")
    CityFactory(name="Nashville", region="", country="CA")

    assert city_near_duplicates(name="nashville", region="TN", country="US") == [tennessee, arkansas]


def test_duplicate_city_is_refused_once_in_words_with_a_link(officer_client):
    nashville = City.objects.create(**CITY)

    response = officer_client.post(reverse("partners:city_create"), {**CITY, "name": "NASHVILLE", "country": "us"})

    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("already exists.") == 1
    assert f'<a href="{nashville.get_absolute_url()}">Nashville, Tennessee, US</a> already exists.' in page
    assert 'Constraint "' not in page and "Constraint “" not in page
    assert City.objects.count() == 1


def test_near_duplicate_city_is_offered_then_saved_when_confirmed(officer_client):
    nashville = City.objects.create(**CITY)
    data = {"name": "nashville", "region": "TN", "country": "us", "timezone": "America/Chicago"}

    offered = officer_client.post(reverse("partners:city_create"), data)
    saved = officer_client.post(reverse("partners:city_create"), {**data, "not_a_duplicate": "on"})

    page = offered.content.decode()
    assert offered.status_code == 400
    assert f'Did you mean <a href="{nashville.get_absolute_url()}">Nashville, Tennessee, US</a>?' in page
    assert page.count("Did you mean") == 1
    assert 'type="checkbox" name="not_a_duplicate"' in page
    assert "This is a different city" in page
    assert saved.status_code == 302
    assert sorted(City.objects.values_list("name", "region")) == [("Nashville", "Tennessee"), ("nashville", "TN")]


def test_editing_a_city_is_not_its_own_duplicate(officer_client):
    nashville = City.objects.create(**CITY)

    response = officer_client.post(reverse("partners:city_edit", args=[nashville.pk]), {**CITY, "name": "NASHVILLE"})

    assert response.status_code == 302
    nashville.refresh_from_db()
    assert nashville.name == "NASHVILLE"


def test_renaming_a_city_onto_another_is_refused(officer_client):
    City.objects.create(**CITY)
    memphis = City.objects.create(**{**CITY, "name": "Memphis"})

    response = officer_client.post(reverse("partners:city_edit", args=[memphis.pk]), CITY)

    assert response.status_code == 400
    assert "Nashville, Tennessee, US</a> already exists." in response.content.decode()
    assert sorted(City.objects.values_list("name", flat=True)) == ["Memphis", "Nashville"]


def test_duplicate_organisation_ignores_accents(officer_client):
    efus = OrganisationFactory(name="Forum européen pour la sécurité urbaine", acronym="Efus")

    response = officer_client.post(
        reverse("partners:organisation_create"),
        {"name": "FORUM EUROPEEN POUR LA SECURITE URBAINE", "kind": Organisation.Kind.NETWORK},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<a href="{efus.get_absolute_url()}">Forum européen pour la sécurité urbaine (Efus)</a> already exists.'
        in page
    )
    assert Organisation.objects.filter(name__istartswith="forum").count() == 1


def test_organisation_named_after_an_acronym_is_offered(officer_client):
    efus = OrganisationFactory(name="European Forum for Urban Security", acronym="Efus", kind=Organisation.Kind.NETWORK)
    data = {"name": "EFUS", "kind": Organisation.Kind.NETWORK}

    offered = officer_client.post(reverse("partners:organisation_create"), data)
    saved = officer_client.post(reverse("partners:organisation_create"), {**data, "not_a_duplicate": "on"})

    assert offered.status_code == 400
    assert f'Did you mean <a href="{efus.get_absolute_url()}">European Forum' in offered.content.decode()
    assert saved.status_code == 302
    assert sorted(Organisation.objects.filter(kind=Organisation.Kind.NETWORK).values_list("name", flat=True)) == [
        "EFUS",
        "European Forum for Urban Security",
    ]


def test_duplicate_programme_links_only_one_the_officer_runs(officer_client, officer):
    other = ProgrammeFactory(name="Strong Cities")

    theirs = officer_client.post(reverse("visits:programme_create"), {"name": "strong cities"})
    ours = officer_client.post(reverse("visits:programme_create"), {"name": "CITY PAIR"})

    assert "<a href=" not in theirs.content.decode().split("already exists.")[0].rsplit("<strong>", 1)[-1]
    assert "Strong Cities already exists." in theirs.content.decode()
    mine = Programme.objects.get(name="City Pair")
    assert f'<a href="{reverse("visits:programme_detail", args=[mine.pk])}">City Pair</a> already exists.' in (
        ours.content.decode()
    )
    assert Programme.objects.count() == 2 and other.pk


def test_duplicate_theme_is_refused_with_a_link(officer_client):
    theme = ThemeFactory(name="Radicalisation")

    response = officer_client.post(reverse("visits:theme_create"), {"name": "radicalisation", "slug": "other"})

    assert response.status_code == 400
    assert f'<a href="{reverse("visits:theme_edit", args=[theme.pk])}">Radicalisation</a> already exists.' in (
        response.content.decode()
    )
    assert Theme.objects.count() == 1


def test_duplicate_email_in_reach_names_the_person(officer_client, officer):
    visit = StudyVisitFactory(programme=officer.programmes.get())
    person = DelegationMemberFactory(delegation=visit.delegation, participant__email="ana@example.org").participant

    response = officer_client.post(
        reverse("delegations:participant_create"), {"first_name": "A", "last_name": "B", "email": "ANA@example.org"}
    )

    assert response.status_code == 400
    assert f'<a href="{person.get_absolute_url()}">{person.full_name}</a> already exists.' in response.content.decode()
    assert Participant.objects.count() == 1


DUPLICATES = {
    "partners:city_create": lambda: (City.objects.create(**CITY), CITY),
    "partners:organisation_create": lambda: (
        OrganisationFactory(name="Meridian"),
        {"name": "meridian", "kind": Organisation.Kind.NGO},
    ),
    "visits:programme_create": lambda: (ProgrammeFactory(name="Exchange"), {"name": "EXCHANGE"}),
    "visits:theme_create": lambda: (ThemeFactory(name="Youth", slug="youth"), {"name": "youth", "slug": "youth"}),
    "delegations:participant_create": lambda: (
        ParticipantFactory(email="someone@example.org"),
        {"first_name": "S", "last_name": "O", "email": "Someone@Example.org"},
    ),
}


@pytest.mark.parametrize("name", sorted(DUPLICATES))
def test_no_officer_create_form_shows_constraint_text(officer_client, name):
    _existing, data = DUPLICATES[name]()

    response = officer_client.post(reverse(name), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "Constraint" not in page
    assert "violated" not in page


def test_demo_cities_and_organisations_save_again_without_a_question():
    from django.core.management import call_command
    from django.forms.models import model_to_dict

    from partners.forms import CityForm, OrganisationForm

    call_command("load_demo", verbosity=0)

    for city in City.objects.all():
        form = CityForm(data=model_to_dict(city), instance=city)
        assert form.is_valid(), (city, form.errors)
    for organisation in Organisation.objects.all():
        data = {key: value for key, value in model_to_dict(organisation).items() if value is not None}
        form = OrganisationForm(data=data, instance=organisation)
        assert form.is_valid(), (organisation, form.errors)
