"""On a phone: a French browser lands on French, a French-speaking delegate gets French after
sign-in, and switching to English works and sticks."""

import pytest
from django.contrib.auth import get_user_model

from delegations.tests.factories import ParticipantFactory

PASSWORD = "correct horse battery staple"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def french_delegate(transactional_db):
    user = get_user_model().objects.create_user(
        username="camille@example.org", email="camille@example.org", password=PASSWORD
    )
    ParticipantFactory(user=user, email=user.email, preferred_language="fr")
    return user


def _switch_language(page, language):
    if page.locator(".navbar-toggler").is_visible():
        page.locator(".navbar-toggler").click()
    page.select_option("#language-select", language)
    page.locator("#language-select + button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_french_browser_lands_on_french_pages(live_server, transactional_db, chromium):
    context = chromium.new_context(locale="fr-BE", **PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")

        assert page.url == live_server.url + "/fr/accounts/login/"
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("heading", level=1).inner_text() == "Se connecter"
    finally:
        context.close()


@pytest.mark.browser
def test_french_delegate_gets_french_after_sign_in_and_english_sticks(live_server, french_delegate, chromium):
    context = chromium.new_context(locale="en-US", **PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/?next=/my/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.fill("input[name=login]", french_delegate.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url("**/fr/my/")
        assert page.locator("html").get_attribute("lang") == "fr"

        _switch_language(page, "en")

        assert page.url == live_server.url + "/my/"
        assert page.locator("html").get_attribute("lang") == "en"
        page.goto(live_server.url + "/my/calendar/")
        assert page.url == live_server.url + "/my/calendar/"
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.goto(live_server.url + "/my/profile/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.fill("#id_dietary_needs", "Vegetarian")
        save = page.get_by_role("button", name="Save")
        assert save.bounding_box()["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        save.click()
        page.wait_for_load_state()
        assert page.locator("#id_dietary_needs").input_value() == "Vegetarian"
    finally:
        context.close()
