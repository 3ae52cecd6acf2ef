"""The installed app: a manifest with PNG icons at 192 and 512 px, linked from its start page."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from PIL import Image

from delegations.tests.factories import ParticipantFactory

STATIC = Path(settings.BASE_DIR) / "static"


def test_manifest_lists_png_icons_that_exist_at_their_sizes():
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())

    pngs = [icon for icon in manifest["icons"] if icon["type"] == "image/png"]

    assert [icon["sizes"] for icon in pngs] == ["192x192", "512x512"]
    for icon in pngs:
        path = STATIC / icon["src"].removeprefix(settings.STATIC_URL)
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    assert manifest["start_url"] == reverse("my:visit_list")


@pytest.mark.django_db
def test_start_page_links_the_manifest(client):
    user = get_user_model().objects.create_user(username="c@example.org", email="c@example.org", password="x")
    ParticipantFactory(user=user)
    client.force_login(user)

    content = client.get(reverse("my:visit_list")).content.decode()

    assert 'rel="manifest"' in content
    assert 'rel="apple-touch-icon"' in content


def test_manifest_has_what_chromium_needs_to_install_it():
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())

    assert manifest["name"] and manifest["short_name"]
    assert (manifest["display"], manifest["id"], manifest["scope"]) == ("standalone", reverse("my:visit_list"), "/")
    assert manifest["start_url"].startswith(manifest["scope"])


def test_service_worker_is_served_at_the_root_with_a_fetch_handler(client):
    response = client.get(reverse("service_worker"))

    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert 'addEventListener("fetch"' in response.content.decode()
