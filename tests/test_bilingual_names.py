"""Themes and organisations named in English and French: French readers see the French name
where one is given (itinerary page, PDF, emails, charts), everyone else the English one."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from partners.models import Organisation
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.services import visit_publish
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, StudyVisitFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Lantern-Quarry-41"


def _user(email):
    return get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def names():
    city = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    return {
        "city": city,
        "translated": OrganisationFactory(name="City of Liège", name_fr="Ville de Liège", city=city),
        "english_only": OrganisationFactory(name="Meridian International Center", name_fr=""),
        "theme": ThemeFactory(name="Violence prevention", name_fr="Prévention de la violence"),
    }


def _item(visit, names):
    item = ItineraryItemFactory(
        visit=visit,
        city=names["city"],
        title="Meeting the mayor",
        starts_at=dt.datetime(2019, 11, 4, 15, tzinfo=dt.UTC),
    )
    item.host_organisations.set([names["translated"], names["english_only"]])
    item.themes.set([names["theme"]])
    return item


def _delegate_of(visit, *, language: str):
    user = _user(f"{language}-delegate@example.org")
    participant = ParticipantFactory(user=user, email=user.email, preferred_language=language)
    DelegationMemberFactory(delegation=visit.delegation, participant=participant)
    return user


def test_french_itinerary_shows_french_names_and_english_where_none_is_given(names):
    visit = PublishedVisitFactory()
    _item(visit, names)
    url = reverse("my:itinerary", args=[visit.pk])

    french = _client(_delegate_of(visit, language="fr")).get("/fr" + url).content.decode()
    english = _client(_delegate_of(visit, language="en")).get(url).content.decode()

    assert "Ville de Liège, Meridian International Center" in french
    assert "City of Liège" not in french
    assert "Prévention de la violence" in french
    assert "City of Liège, Meridian International Center" in english
    assert "Ville de Liège" not in english
    assert "Violence prevention" in english


def test_french_pdf_itinerary_carries_the_french_names(names):
    import io

    from pypdf import PdfReader

    visit = PublishedVisitFactory()
    _item(visit, names)
    delegate = _client(_delegate_of(visit, language="fr"))

    response = delegate.get("/fr" + reverse("my:visit_pdf", args=[visit.pk]))

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ville de Liège" in text
    assert "Prévention de la violence" in text


def test_published_itinerary_email_names_hosts_in_each_delegates_language(names):
    visit = StudyVisitFactory()
    _item(visit, names)
    _delegate_of(visit, language="fr")
    _delegate_of(visit, language="en")
    officer = _user("officer@example.org")
    visit.programme.officers.add(officer)

    visit_publish(visit, by=officer)

    french = Notification.objects.get(kind="itinerary_published", to_email="fr-delegate@example.org")
    english = Notification.objects.get(kind="itinerary_published", to_email="en-delegate@example.org")
    assert "Ville de Liège, Meridian International Center" in french.body_text
    assert "Ville de Liège, Meridian International Center" in french.body_html
    assert "City of Liège" not in french.body_text
    assert "City of Liège, Meridian International Center" in english.body_text
    assert "Ville de Liège" not in english.body_text


def test_charts_name_themes_in_the_pages_language(names):
    visit = PublishedVisitFactory()
    visit.themes.set([names["theme"]])
    officer = _user("officer@example.org")
    visit.programme.officers.add(officer)
    client = _client(officer)

    english = client.get(reverse("outcomes:charts")).content.decode()
    french = client.get("/fr" + reverse("outcomes:charts")).content.decode()

    assert "Prévention de la violence" in french
    assert "Violence prevention" not in french
    assert "Violence prevention" in english


def test_organisation_str_falls_back_to_english_in_french(names):
    with translation.override("fr"):
        assert [str(names["translated"]), str(names["english_only"])] == [
            "Ville de Liège",
            "Meridian International Center",
        ]
    with translation.override("en"):
        assert str(names["translated"]) == "City of Liège"


def test_officer_gives_an_organisation_both_names(names):
    officer = _user("officer@example.org")
    PublishedVisitFactory().programme.officers.add(officer)
    client = _client(officer)

    form = client.get(reverse("partners:organisation_create")).content.decode()
    response = client.post(
        reverse("partners:organisation_create"),
        {"name": "Vesdre Police Zone", "name_fr": "Zone de police Vesdre", "kind": "police"},
    )

    assert 'name="name_fr"' in form
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Vesdre Police Zone")
    assert organisation.name_fr == "Zone de police Vesdre"
    detail = client.get("/fr" + organisation.get_absolute_url()).content.decode()
    assert "Zone de police Vesdre" in detail


def test_duplicate_check_still_uses_the_english_name_in_words(names):
    officer = _user("officer@example.org")
    PublishedVisitFactory().programme.officers.add(officer)
    client = _client(officer)

    response = client.post(
        "/fr" + reverse("partners:organisation_create"),
        {"name": "city of liege", "name_fr": "Ville de Liège (bis)", "kind": "municipality"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "existe déjà" in page
    assert "Constraint" not in page and "violated" not in page
    assert Organisation.objects.filter(name__iexact="city of liège").count() == 1


def test_a_french_name_alone_is_no_duplicate(names):
    officer = _user("officer@example.org")
    PublishedVisitFactory().programme.officers.add(officer)

    response = _client(officer).post(
        reverse("partners:organisation_create"),
        {"name": "Liège Town Hall", "name_fr": "Ville de Liège", "kind": "municipality"},
    )

    assert response.status_code == 302
    assert Organisation.objects.filter(name_fr="Ville de Liège").count() == 2


def test_organisation_search_finds_the_french_name(names):
    officer = _user("officer@example.org")
    PublishedVisitFactory().programme.officers.add(officer)

    page = _client(officer).get(reverse("partners:organisation_list"), {"q": "ville de"}).content.decode()

    assert "City of Liège" in page
    assert "Meridian International Center" not in page


def test_organisations_copied_without_a_french_name_get_an_empty_one(names):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO partners_organisation (name, acronym, kind, website, description) "
            "VALUES ('Bench Organisation', '', 'ngo', '', '') RETURNING id"
        )
        (pk,) = cursor.fetchone()

    assert Organisation.objects.get(pk=pk).name_fr == ""
