"""What the fuzz found, pinned as plain tests: each bad input is a form error, not a 500."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from delegations.models import Participant
from tests.worlds import build_world, csv_upload
from trips.models import PersonalTravel
from visits.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_programme_edit_without_reminder_days_says_they_are_required(world):
    programme = world.visit.programme
    data = {"name": "Renamed", "organiser": programme.organiser_id}

    response = _signed_in(world.officer).post(reverse("visits:programme_edit", args=[programme.pk]), data)

    assert response.status_code == 400
    assert response.context["form"].errors["reminder_days"] == ["This field is required."]
    assert Programme.objects.get(pk=programme.pk).name == programme.name


def test_programme_create_without_reminder_days_saves_nothing(world):
    data = {"name": "New one", "organiser": world.visit.programme.organiser_id}

    response = _signed_in(world.officer).post(reverse("visits:programme_create"), data)

    assert response.status_code == 400
    assert not Programme.objects.filter(name="New one").exists()


def test_travel_edit_moving_only_the_departure_past_the_arrival_says_why(world):
    url = reverse("my:travel_edit", args=[world.visit.pk, world.travel.pk])
    # The saved arrival is 20:00 UTC; leaving at 21:00 UTC (11:00 in Honolulu) would arrive before leaving.
    data = {"departure_timezone": "Pacific/Honolulu", "departs_local": "2019-11-03T11:00"}

    response = _signed_in(world.delegate).post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["departs_local"] == [
        "The arrival must come after the departure, counting both time zones."
    ]
    assert PersonalTravel.objects.get(pk=world.travel.pk).departure_timezone == "Europe/Brussels"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


NOT_A_SPREADSHEET = "This file is neither a CSV file nor an Excel (.xlsx) workbook."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("people.csv", b"<!DOCTYPE html><html><body>First name,Last name<script>alert(1)</script></body></html>"),
        ("people.csv", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("people.csv", b"%PDF-1.4\nFirst name,Last name\nAna,Lopez\n"),
        ("people.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("people.xlsx", _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})),
        ("people.csv", b"First name,Last name\nAna\x07,Lopez\x1b[2J\n"),
    ],
    ids=["html", "svg", "pdf", "exe", "docx", "control-characters"],
)
def test_import_upload_refuses_a_renamed_file_by_its_content(world, name, content):
    upload = csv_upload(content, name=name)
    counts = Participant.objects.count()

    response = _signed_in(world.officer).post(
        reverse("spreadsheets:import_upload", args=[world.visit.delegation_id]), {"file": upload}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [NOT_A_SPREADSHEET]
    assert Participant.objects.count() == counts


def test_import_upload_refuses_a_file_over_two_megabytes(world):
    upload = csv_upload(b"First name,Last name\n" + b"Ana,Lopez\n" * 220_000)

    response = _signed_in(world.officer).post(
        reverse("spreadsheets:import_upload", args=[world.visit.delegation_id]), {"file": upload}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 2 MB; split it into smaller files."]


def test_member_add_refuses_a_person_outside_reach(world):
    outsider = Participant.objects.get(user=world.other_delegate)
    url = reverse("delegations:member_add", args=[world.visit.delegation_id])

    response = _signed_in(world.officer).post(url, {"participant": outsider.pk, "role": "member", "status": "invited"})

    assert response.status_code == 400
    assert not world.visit.delegation.members.filter(participant=outsider).exists()


def test_follow_up_create_refuses_another_programmes_visit(world):
    data = {"visit": world.other_visit.pk, "title": "Sneaky", "owner_city": world.city.pk, "status": "open"}

    response = _signed_in(world.officer).post(reverse("outcomes:follow_up_create"), data)

    assert response.status_code == 400
    assert "visit" in response.context["form"].errors
    assert not world.other_visit.follow_ups.exists()


def test_visit_edit_refuses_another_officers_delegation(world):
    visit = world.visit
    data = {
        "programme": visit.programme_id,
        "title": visit.title,
        "delegation": world.other_visit.delegation_id,
        "starts_on": "2019-11-03",
        "ends_on": "2019-11-09",
    }

    response = _signed_in(world.officer).post(reverse("visits:visit_edit", args=[visit.pk]), data)

    assert response.status_code == 400
    assert "delegation" in response.context["form"].errors
