import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from delegations.exports import roster_csv, roster_xlsx
from delegations.imports import (
    ImportFileError,
    ImportRowsError,
    guess_mapping,
    parse_upload,
    participants_import,
)
from delegations.models import DelegationMember, Participant
from delegations.tests.factories import DelegationFactory, DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.tests.factories import StudyVisitFactory

pytestmark = pytest.mark.django_db

HEADER = ["First name", "Last name", "Email", "Organisation", "Profession", "Home city", "Position"]
ROWS = [
    ["Sophie", "Démo", "sophie.demo@example.org", "City of Liège", "Social worker", "Liège", "Éducatrice de rue"],
    ["Marc", "Fictif", "marc.fictif@example.org", "", "police", "Verviers", "Commissaire"],
]


@pytest.fixture
def places():
    CityFactory(name="Liège", country="BE")
    CityFactory(name="Verviers", country="BE")
    OrganisationFactory(name="City of Liège")


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(username="o@example.org", email="o@example.org")


@pytest.fixture
def delegation(officer):
    visit = StudyVisitFactory()
    visit.programme.officers.add(officer)
    return visit.delegation


def _csv(rows, *, separator: str, encoding: str) -> bytes:
    text = "\r\n".join(separator.join(f'"{cell}"' if separator in cell else cell for cell in row) for row in rows)
    return text.encode(encoding)


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("separator", [",", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_parse_upload_gives_the_same_rows_for_each_separator_and_encoding(separator, encoding):
    parsed = parse_upload(_csv([HEADER, *ROWS], separator=separator, encoding=encoding))

    assert parsed.headers == HEADER
    assert parsed.rows == ROWS


def test_parse_upload_reads_an_xlsx_workbook_into_the_same_rows():
    parsed = parse_upload(_xlsx([HEADER, *ROWS]))

    assert parsed.headers == HEADER
    assert parsed.rows == ROWS


def test_parse_upload_keeps_a_separator_inside_quotes():
    parsed = parse_upload('Last name;Position\r\nDémo;"Head; prevention"\r\n'.encode())

    assert parsed.rows == [["Démo", "Head; prevention"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "neither a CSV file nor an Excel"),
        (b"PK\x03\x04not really a zip", "neither a CSV file nor an Excel"),
        (b"   ", "The file is empty."),
        (b"First name,Last name\r\n", "no participants under it"),
    ],
)
def test_parse_upload_refuses_what_is_not_a_participant_list(content, message):
    with pytest.raises(ImportFileError, match=message):
        parse_upload(content)


def test_guess_mapping_reads_english_and_french_headers():
    mapping = guess_mapping(["Prénom", "Nom", "Courriel", "Ville", "Langue"])

    assert mapping["first_name"] == 0
    assert mapping["last_name"] == 1
    assert mapping["email"] == 2
    assert mapping["home_city"] == 3
    assert mapping["preferred_language"] == 4
    assert mapping["phone"] is None


def test_participants_import_creates_participants_on_the_roster(places, delegation, officer):
    parsed = parse_upload(_csv([HEADER, *ROWS], separator=";", encoding="cp1252"))

    members = participants_import(parsed, mapping=guess_mapping(parsed.headers), delegation=delegation, by=officer)

    sophie = Participant.objects.get(email="sophie.demo@example.org")
    assert [member.participant for member in members] == [sophie, Participant.objects.get(last_name="Fictif")]
    assert sophie.home_city.name == "Liège"
    assert sophie.organisation.name == "City of Liège"
    assert sophie.profession == Participant.Profession.SOCIAL_WORK
    assert sophie.position == "Éducatrice de rue"
    assert sophie.history.first().history_user == officer
    assert list(delegation.members.values_list("status", flat=True)) == ["invited", "invited"]


def test_participants_import_with_one_bad_row_saves_nothing_and_names_the_row(places, delegation, officer):
    rows = [*ROWS, ["Luc", "Testard", "luc.testard@example.org", "", "Astronaut", "Verviers", ""]]
    parsed = parse_upload(_csv([HEADER, *rows], separator=",", encoding="utf-8"))

    with pytest.raises(ImportRowsError) as error:
        participants_import(parsed, mapping=guess_mapping(parsed.headers), delegation=delegation, by=officer)

    assert [(result.line, result.errors) for result in error.value.results if result.errors] == [
        (
            4,
            [
                "Profession “Astronaut” is not one of: academic, civil_servant, communications, elected, justice, "
                "ngo, other, police, prevention, social_work."
            ],
        )
    ]
    assert Participant.objects.count() == 0
    assert DelegationMember.objects.count() == 0


def test_participants_import_never_touches_a_person_outside_the_officers_reach(places, delegation, officer):
    stranger = ParticipantFactory(first_name="Sophie", last_name="Elsewhere", email="sophie.demo@example.org")
    parsed = parse_upload(_csv([HEADER, *ROWS], separator=",", encoding="utf-8"))

    with pytest.raises(ImportRowsError) as error:
        participants_import(parsed, mapping=guess_mapping(parsed.headers), delegation=delegation, by=officer)

    assert [(result.line, result.errors) for result in error.value.results if result.errors] == [
        (
            2,
            [
                "Someone with the email sophie.demo@example.org is already in the directory, outside your "
                "programmes: ask an admin to add them to this delegation."
            ],
        )
    ]
    stranger.refresh_from_db()
    assert (stranger.last_name, stranger.position) == ("Elsewhere", "")
    assert DelegationMember.objects.count() == 0


def test_participants_import_updates_a_person_already_on_the_officers_roster(places, delegation, officer):
    sophie = DelegationMemberFactory(
        delegation=delegation, participant=ParticipantFactory(first_name="Sophie", email="sophie.demo@example.org")
    ).participant
    parsed = parse_upload(_csv([HEADER, *ROWS], separator=",", encoding="utf-8"))

    participants_import(parsed, mapping=guess_mapping(parsed.headers), delegation=delegation, by=officer)

    sophie.refresh_from_db()
    assert (sophie.last_name, sophie.position) == ("Démo", "Éducatrice de rue")
    assert delegation.members.count() == 2


def test_participants_import_refuses_a_repeated_email(places, delegation, officer):
    parsed = parse_upload(_csv([HEADER, ROWS[0], ROWS[0]], separator=",", encoding="utf-8"))

    with pytest.raises(ImportRowsError) as error:
        participants_import(parsed, mapping=guess_mapping(parsed.headers), delegation=delegation, by=officer)

    assert error.value.results[1].errors == ["The email sophie.demo@example.org is already on row 2."]


@pytest.mark.parametrize("export", [roster_csv, roster_xlsx])
def test_roster_export_imports_back_without_changes(places, delegation, officer, export):
    member = DelegationMemberFactory(
        delegation=delegation,
        participant=ParticipantFactory(first_name="Anne", last_name="Spécimen", phone="+32 4 000 00 00"),
        role=DelegationMember.Role.EXPERT,
    )
    DelegationMemberFactory(delegation=delegation, participant=ParticipantFactory(position="=HYPERLINK(1)", email=""))
    before = list(Participant.objects.order_by("pk").values())

    parsed = parse_upload(export(delegation))
    participants_import(parsed, mapping=guess_mapping(parsed.headers), delegation=delegation, by=officer)

    after = list(Participant.objects.order_by("pk").values())
    assert [{**row, "updated_at": None} for row in after] == [{**row, "updated_at": None} for row in before]
    member.refresh_from_db()
    assert member.role == DelegationMember.Role.EXPERT
    assert DelegationMember.objects.count() == 2


def test_roster_xlsx_keeps_formula_like_text_as_text(delegation):
    DelegationMemberFactory(delegation=delegation, participant=ParticipantFactory(position="=1+1"))

    sheet = load_workbook(io.BytesIO(roster_xlsx(delegation))).active

    assert sheet["F2"].value == "'=1+1"
    assert sheet["F2"].data_type == "s"


def _upload(client, delegation, content: bytes, name="people.csv"):
    return client.post(
        reverse("spreadsheets:import_upload", args=[delegation.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_import_views_preview_then_confirm_saves_every_row(client, places, delegation, officer):
    client.force_login(officer)

    response = _upload(client, delegation, _csv([HEADER, *ROWS], separator=";", encoding="utf-8-sig"))
    preview_url = response["Location"]
    preview = client.get(preview_url)
    confirm = client.post(preview_url + "confirm/")

    assert preview.status_code == 200
    assert "2 rows are ready to import." in preview.content.decode()
    assert confirm.status_code == 302
    assert sorted(delegation.members.values_list("participant__last_name", flat=True)) == ["Démo", "Fictif"]
    assert client.post(preview_url + "confirm/").status_code == 404


def test_import_views_with_a_bad_row_show_it_and_save_nothing(client, places, delegation, officer):
    client.force_login(officer)
    rows = [*ROWS, ["Luc", "", "luc@example.org", "Nowhere Inc", "", "", ""]]

    preview_url = _upload(client, delegation, _csv([HEADER, *rows], separator=",", encoding="utf-8"))["Location"]
    preview = client.get(preview_url).content.decode()
    confirm = client.post(preview_url + "confirm/")

    assert "Row 4: Last name is empty." in preview
    assert "Row 4: Organisation “Nowhere Inc” is not known." in preview
    assert 'id="confirm-import"' not in preview
    assert confirm.status_code == 400
    assert "Nothing was saved" in confirm.content.decode()
    assert Participant.objects.count() == 0


def test_import_views_remap_a_column(client, places, delegation, officer):
    client.force_login(officer)
    rows = [["Given", "Family"], ["Sophie", "Démo"]]
    preview_url = _upload(client, delegation, _csv(rows, separator=",", encoding="utf-8"))["Location"]

    before = client.get(preview_url).content.decode()
    client.post(preview_url, {"first_name": "0", "last_name": "1"})
    client.post(preview_url + "confirm/")

    assert "Choose the column that holds “First name”." in before
    assert list(Participant.objects.values_list("first_name", "last_name")) == [("Sophie", "Démo")]


def test_import_upload_refuses_a_file_that_is_not_a_spreadsheet(client, delegation, officer):
    client.force_login(officer)

    response = _upload(client, delegation, b"\x89PNG\r\n\x1a\n\x00\x00", name="people.csv")

    assert response.status_code == 200
    assert "This file is neither a CSV file nor an Excel (.xlsx) workbook." in response.content.decode()


def test_import_pages_are_refused_outside_the_officers_programmes(client, delegation):
    stranger = get_user_model().objects.create_user(username="s@example.org", email="s@example.org")
    client.force_login(stranger)

    assert client.get(reverse("spreadsheets:import_upload", args=[delegation.pk])).status_code == 404
    assert client.get(reverse("spreadsheets:roster_export", args=[delegation.pk, "csv"])).status_code == 404
    assert client.get(reverse("spreadsheets:participants_export", args=["xlsx"])).status_code == 404


def test_import_preview_of_another_users_upload_is_not_found(client, places, delegation, officer):
    client.force_login(officer)
    preview_url = _upload(client, delegation, _csv([HEADER, *ROWS], separator=",", encoding="utf-8"))["Location"]
    client.logout()
    other = get_user_model().objects.create_user(username="p@example.org", email="p@example.org")
    delegation.visits.first().programme.officers.add(other)
    client.force_login(other)

    assert client.get(preview_url).status_code == 404


def test_participants_export_lists_only_participants_in_reach(client, delegation, officer):
    DelegationMemberFactory(delegation=delegation, participant=ParticipantFactory(last_name="Inside"))
    DelegationMemberFactory(delegation=DelegationFactory(), participant=ParticipantFactory(last_name="Outside"))
    client.force_login(officer)

    response = client.get(reverse("spreadsheets:participants_export", args=["csv"]))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [line.split(";")[1] for line in lines] == ["Last name", "Inside"]


@pytest.mark.parametrize("size", [1, 5])
def test_import_preview_query_count_does_not_grow(client, django_assert_num_queries, places, delegation, officer, size):
    client.force_login(officer)
    rows = [[f"First{n}", f"Last{n}", f"p{n}@example.org", "City of Liège", "police", "Liège", ""] for n in range(size)]
    preview_url = _upload(client, delegation, _csv([HEADER, *rows], separator=",", encoding="utf-8"))["Location"]

    with django_assert_num_queries(6):
        response = client.get(preview_url)

    assert response.status_code == 200
