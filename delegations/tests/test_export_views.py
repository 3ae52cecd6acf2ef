"""Rosters and participant lists are offered as a semicolon CSV and as XLSX, from the pages officers use."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from visits.tests.factories import StudyVisitFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def officer_client(client):
    officer = get_user_model().objects.create_user(username="o@example.org", email="o@example.org")
    visit = StudyVisitFactory()
    visit.programme.officers.add(officer)
    DelegationMemberFactory(
        delegation=visit.delegation, participant=ParticipantFactory(first_name="Sophie", last_name="Démo")
    )
    client.force_login(officer)
    client.delegation = visit.delegation
    return client


def test_delegation_page_offers_the_roster_as_csv_and_xlsx(officer_client):
    page = officer_client.get(reverse("delegations:delegation_detail", args=[officer_client.delegation.pk])).content

    for fmt in ("csv", "xlsx"):
        assert reverse("spreadsheets:roster_export", args=[officer_client.delegation.pk, fmt]).encode() in page


def test_participant_list_offers_csv_and_xlsx(officer_client):
    page = officer_client.get(reverse("delegations:participant_list")).content

    for fmt in ("csv", "xlsx"):
        assert reverse("spreadsheets:participants_export", args=[fmt]).encode() in page


@pytest.mark.parametrize(
    "url",
    [
        lambda c: reverse("spreadsheets:roster_export", args=[c.delegation.pk, "xlsx"]),
        lambda c: reverse("spreadsheets:participants_export", args=["xlsx"]),
    ],
)
def test_xlsx_exports_open_as_workbooks_with_the_people(officer_client, url):
    response = officer_client.get(url(officer_client))

    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][:2] == ["Sophie", "Démo"]


def test_csv_export_is_semicolon_separated_for_belgian_excel(officer_client):
    response = officer_client.get(reverse("spreadsheets:roster_export", args=[officer_client.delegation.pk, "csv"]))

    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert first_line.count(";") >= 10
    assert "," not in first_line
