"""The programme's team on its page: officers add and remove officers and invite new ones through allauth."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.worlds import PASSWORD, build_world, user_with_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _add_url(world) -> str:
    return reverse("visits:programme_officer_add", args=[world.visit.programme_id])


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_officer_adds_an_existing_account_to_the_team(world):
    colleague = user_with_email("colleague@example.org")

    response = _client(world.officer).post(_add_url(world), {"email": "Colleague@Example.org"})

    assert response.status_code == 302
    assert sorted(world.visit.programme.officers.values_list("email", flat=True)) == [
        "colleague@example.org",
        "officer@example.org",
    ]
    assert _said(response) == ["colleague@example.org added to the team."]
    assert mail.outbox == []
    assert colleague.has_usable_password()


def test_officer_invites_a_new_officer_whose_link_sets_a_password(world):
    response = _client(world.officer).post(_add_url(world), {"email": "new-officer@example.org"})

    user = get_user_model().objects.get(email="new-officer@example.org")
    assert response.status_code == 302
    assert not user.has_usable_password()
    assert list(world.visit.programme.officers.filter(pk=user.pk)) == [user]
    assert [message.to for message in mail.outbox] == [["new-officer@example.org"]]
    assert "You have been added to a programme's team on CityExchange." in mail.outbox[0].body
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)

    anonymous = Client()
    # allauth keeps the key in the session and shows the form at a keyless URL.
    form_page = anonymous.get(urlsplit(link).path, follow=True)
    set_password = anonymous.post(form_page.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})

    assert set_password.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_an_officer_already_on_the_team_is_refused_in_words(world):
    response = _client(world.officer).post(_add_url(world), {"email": "officer@example.org"})

    assert response.status_code == 400
    assert "officer@example.org is already an officer of this programme." in response.content.decode()


def test_officer_removes_a_colleague(world):
    colleague = user_with_email("colleague@example.org")
    world.visit.programme.officers.add(colleague)
    url = reverse("visits:programme_officer_remove", args=[world.visit.programme_id, colleague.pk])

    response = _client(world.officer).post(url)

    assert response.status_code == 302
    assert list(world.visit.programme.officers.all()) == [world.officer]
    assert get_user_model().objects.filter(pk=colleague.pk).exists()


def test_removing_the_last_officer_is_refused_in_words(world):
    url = reverse("visits:programme_officer_remove", args=[world.visit.programme_id, world.officer.pk])

    response = _client(world.officer).post(url)

    assert response.status_code == 302
    assert _said(response) == [
        "officer@example.org is the last officer of this programme: add another officer before removing them."
    ]
    assert list(world.visit.programme.officers.all()) == [world.officer]


def test_officers_of_another_programme_get_404(world):
    client = _client(world.other_officer)
    remove = reverse("visits:programme_officer_remove", args=[world.visit.programme_id, world.officer.pk])

    assert client.post(_add_url(world), {"email": "other-officer@example.org"}).status_code == 404
    assert client.post(remove).status_code == 404
    assert list(world.visit.programme.officers.all()) == [world.officer]


def test_removing_someone_not_on_the_team_is_404(world):
    url = reverse("visits:programme_officer_remove", args=[world.visit.programme_id, world.other_officer.pk])

    assert _client(world.officer).post(url).status_code == 404


def test_the_team_is_listed_on_the_programme_page(world):
    page = _client(world.officer).get(reverse("visits:programme_detail", args=[world.visit.programme_id]))

    assert 'id="team"' in page.content.decode()
    assert reverse("visits:programme_officer_remove", args=[world.visit.programme_id, world.officer.pk]) in (
        page.content.decode()
    )
