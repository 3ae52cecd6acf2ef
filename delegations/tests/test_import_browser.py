import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from delegations.models import Participant
from partners.tests.factories import CityFactory
from visits.tests.factories import StudyVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def page(chromium):
    page = chromium.new_page()
    yield page
    page.close()


def test_officer_uploads_a_file_sees_the_preview_and_confirms(live_server, page, tmp_path, settings):
    # The live server speaks plain HTTP on 127.0.0.1, where a browser drops cookies marked Secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    officer = get_user_model().objects.create_user(username="o@example.org", email="o@example.org", password=PASSWORD)
    visit = StudyVisitFactory()
    visit.programme.officers.add(officer)
    CityFactory(name="Liège", country="BE")
    upload = tmp_path / "delegation.csv"
    upload.write_bytes(
        "Prénom;Nom;Courriel;Ville\r\nSophie;Démo;sophie@example.org;Liège\r\nLuc;Testard;;Liège\r\n".encode("cp1252")
    )

    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", "o@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(live_server.url + reverse("spreadsheets:import_upload", args=[visit.delegation.pk]))
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_selector("#import-preview")
    page.screenshot(path="test-output/import-preview.png", full_page=True)
    preview_rows = page.locator("#import-preview tbody tr").all_inner_texts()
    page.click("#confirm-import")
    page.wait_for_selector(".alert-success")

    assert preview_rows == ["2\t\tnew\tSophie\tDémo\tsophie@example.org\tLiège", "3\t\tnew\tLuc\tTestard\t\tLiège"]
    assert "2 participants were imported into" in page.locator(".alert-success").inner_text()
    assert sorted(visit.delegation.members.values_list("participant__last_name", flat=True)) == ["Démo", "Testard"]
    assert Participant.objects.get(email="sophie@example.org").home_city.name == "Liège"
