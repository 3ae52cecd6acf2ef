"""An officer makes an API token in a real browser, uses it, and revokes it (laptop and phone widths)."""

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from api.models import ApiToken
from visits.tests.factories import PublishedVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output"


def _api_status(live_server, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        f"{live_server.url}/api/visits/", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("width", [1280, 390])
def test_officer_makes_uses_and_revokes_a_token(live_server, chromium, django_user_model, width):
    officer = django_user_model.objects.create_user(
        username="officer@example.org", email="officer@example.org", password=PASSWORD
    )
    PublishedVisitFactory(title="Belgians in Tennessee").programme.officers.add(officer)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("officer@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Reporting sheet")
    page.get_by_label("Expires").select_option(label="In 90 days")
    page.get_by_role("button", name="Make the token").click()

    expect(page.get_by_text("Copy it now: for your security it is shown only once.")).to_be_visible()
    secret = page.get_by_label("Token", exact=True).input_value()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"api-tokens-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    status, body = _api_status(live_server, secret)
    assert (status, [visit["title"] for visit in body["results"]]) == (200, ["Belgians in Tennessee"])

    page.reload()
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke").click()

    expect(page.get_by_text("The token “Reporting sheet” is revoked")).to_be_visible()
    assert _api_status(live_server, secret) == (401, {"detail": "The token is unknown, revoked or expired."})
    assert ApiToken.objects.get().revoked_at is not None
    context.close()
    assert errors == []
