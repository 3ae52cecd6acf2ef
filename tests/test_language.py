"""The language follows the person: their choice, else their participant's, else their browser's."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import AccountLanguage
from delegations.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _delegate(email="camille@example.org", *, preferred_language="en"):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    ParticipantFactory(user=user, email=email, preferred_language=preferred_language)
    return user


def _sign_in(client, user, *, path="/accounts/login/", next_url="/my/", **headers):
    return client.post(f"{path}?next={next_url}", {"login": user.email, "password": PASSWORD}, **headers)


def test_unprefixed_page_french_browser_redirects_to_french(client):
    response = client.get("/accounts/login/?next=/my/", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9,en;q=0.5")

    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/?next=/my/"
    assert "Accept-Language" in response["Vary"]


def test_unprefixed_page_english_browser_stays_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_unprefixed_page_english_cookie_beats_french_browser(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-BE")

    assert response.status_code == 200


def test_unprefixed_page_french_cookie_redirects(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/my/")

    assert response.status_code == 302
    assert response["Location"] == "/fr/my/"


def test_unprefixed_url_outside_language_patterns_is_not_redirected(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/health/live/")

    assert response.status_code == 200


def test_unprefixed_post_is_not_redirected(client):
    response = client.post("/accounts/login/", {"login": "x@example.org", "password": "x"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200


def test_sign_in_preferred_language_french_gives_french(client):
    user = _delegate(preferred_language="fr")

    response = _sign_in(client, user, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == "/fr/my/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert 'lang="fr"' in client.get(response["Location"]).content.decode()


def test_sign_in_preferred_language_english_from_french_page_gives_english(client):
    user = _delegate(preferred_language="en")

    response = _sign_in(client, user, path="/fr/accounts/login/", next_url="/fr/my/")

    assert response["Location"] == "/my/"
    assert client.get("/my/").status_code == 200


def test_sign_in_chosen_language_beats_preferred_language(client):
    user = _delegate(preferred_language="fr")
    AccountLanguage.objects.create(user=user, language="en")

    response = _sign_in(client, user, HTTP_ACCEPT_LANGUAGE="fr")

    assert response["Location"] == "/my/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_sign_in_without_participant_keeps_browser_language(client, superuser):
    response = client.post("/accounts/login/?next=/", {"login": superuser.email, "password": PASSWORD})

    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_language_set_french_page_to_english_gives_english_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fr/accounts/login/?next=/fr/my/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fmy%2F"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr-BE")
    assert page.status_code == 200
    assert 'lang="en"' in page.content.decode()


def test_language_set_english_page_to_french_gives_french_page(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/my/"})

    assert response["Location"] == "/fr/my/"


def test_language_set_signed_in_stores_choice_for_next_sign_in(client):
    user = _delegate(preferred_language="fr")
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "en", "next": "/fr/my/"})
    client.logout()
    client.cookies.clear()
    response = _sign_in(client, user)

    assert AccountLanguage.objects.get(user=user).language == "en"
    assert response["Location"] == "/my/"


def test_language_set_signed_in_becomes_participant_preferred_language_for_email(client):
    user = _delegate(preferred_language="en")
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "fr", "next": "/my/"})

    participant = user.participant
    participant.refresh_from_db()
    assert participant.preferred_language == "fr"
    latest = participant.history.first()
    assert latest.history_user == user
    assert latest.prev_record.preferred_language == "en"


def test_language_set_same_language_writes_no_history(client):
    user = _delegate(preferred_language="fr")
    client.force_login(user)
    before = user.participant.history.count()

    client.post("/i18n/setlang/", {"language": "fr", "next": "/my/"})

    assert user.participant.history.count() == before


def test_language_set_officer_without_participant_changes_only_account(client):
    officer = get_user_model().objects.create_user(username="officer", email="o@example.org", password=PASSWORD)
    client.force_login(officer)

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    assert response.status_code == 302
    assert AccountLanguage.objects.get(user=officer).language == "fr"


def test_language_set_foreign_next_goes_home(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://evil.example/"})

    assert response["Location"] == "/fr/"


def test_language_set_unknown_language_changes_nothing(client):
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/my/"})

    assert response["Location"] == "/my/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
