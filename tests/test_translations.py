"""The French catalogue is complete and compiled, and pages speak it."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"


def test_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(LOCALE / "django.po")],
        capture_output=True,
        text=True,
        check=True,
    )

    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_compiled_catalogue_matches_its_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(LOCALE / "django.po")], check=True)

    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes()


@pytest.mark.django_db
def test_sign_in_page_speaks_french(client):
    response = client.get("/fr" + reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    assert '<h1 class="h3">Se connecter</h1>' in response.content.decode()
