"""The sessions page on a phone: two signed-in browsers listed, nothing scrolls sideways."""

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct horse battery staple"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["en-US", "fr-BE"])
def test_sessions_page_fits_a_phone(live_server, transactional_db, chromium, locale):
    user = get_user_model().objects.create_user(username="sam@example.org", email="sam@example.org", password=PASSWORD)
    contexts = [chromium.new_context(locale=locale, **PHONE) for _ in range(2)]
    try:
        for context in contexts:
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/?next=/accounts/sessions/")
            page.fill("input[name=login]", user.email)
            page.fill("input[name=password]", PASSWORD)
            page.locator("main form button[type=submit]").last.click()
            page.wait_for_url("**/accounts/sessions/")

        assert page.locator("table.table-stack tbody tr").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        button = page.locator("main form button[type=submit]").last.bounding_box()
        assert button["height"] >= 24
    finally:
        for context in contexts:
            context.close()
