"""An officer meets a duplicate and a near-duplicate city in a real browser, from a laptop window."""

import pytest
from playwright.sync_api import expect

from partners.models import City
from visits.tests.factories import ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def page(live_server, chromium, django_user_model):
    officer = django_user_model.objects.create_user(
        username="officer@example.org", email="officer@example.org", password=PASSWORD
    )
    ProgrammeFactory(name="City Pair").officers.add(officer)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("officer@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    yield page
    context.close()
    # A refused form answers 400 by design (officers.views.form_page), which Chromium logs too.
    assert [error for error in errors if "status of 400" not in error] == []


def _fill_city(page, name: str, region: str, country: str) -> None:
    page.goto("/cities/new/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Region or state").fill(region)
    page.get_by_label("Country").fill(country)
    page.get_by_label("Time zone").fill("America/Chicago")


def test_duplicate_city_named_once_with_a_link(page):
    nashville = City.objects.create(name="Nashville", region="Tennessee", country="US", timezone="America/Chicago")

    _fill_city(page, "NASHVILLE", "tennessee", "us")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("already exists.")).to_have_count(1)
    expect(page.get_by_text("Constraint")).to_have_count(0)
    page.get_by_role("link", name="Nashville, Tennessee, US").click()
    expect(page).to_have_url(f"{page.url.split('/cities/')[0]}/cities/{nashville.pk}/")
    assert City.objects.count() == 1


def test_near_duplicate_city_offered_then_saved_as_different(page):
    City.objects.create(name="Nashville", region="Tennessee", country="US", timezone="America/Chicago")

    _fill_city(page, "nashville", "TN", "us")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Did you mean Nashville, Tennessee, US?")).to_be_visible()
    expect(page.get_by_role("link", name="Nashville, Tennessee, US")).to_be_visible()
    assert City.objects.count() == 1
    page.get_by_label("This is a different city").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("City saved.")).to_be_visible()
    assert sorted(City.objects.values_list("region", flat=True)) == ["TN", "Tennessee"]
