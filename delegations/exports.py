"""Rosters and participant lists as CSV and XLSX, in the columns the import reads back."""

import csv
import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .imports import FIELDS, FORMULA_START
from .models import Delegation, Participant

PARTICIPANT_COLUMNS = [f for f in FIELDS if f.name not in ("role", "status")]


def _safe(value) -> str:
    """Text a spreadsheet shows as text: a cell that would start a formula gets a leading apostrophe.

    Phone numbers such as +32 4 000 00 00 stay as they are: only a sign followed by something
    other than a digit or a space could be a formula.
    """
    text = "" if value is None else str(value)
    if text[:1] in ("+", "-") and (len(text) == 1 or text[1].isdigit() or text[1] == " "):
        return text
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _participant_cells(participant: Participant) -> list[str]:
    values = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "email": participant.email,
        "phone": participant.phone,
        "organisation": participant.organisation.name if participant.organisation_id else "",
        "position": participant.position,
        "profession": participant.get_profession_display(),
        "home_city": str(participant.home_city) if participant.home_city_id else "",
        "preferred_language": participant.preferred_language,
        "dietary_needs": participant.dietary_needs,
        "accessibility_needs": participant.accessibility_needs,
        "emergency_contact_name": participant.emergency_contact_name,
        "emergency_contact_phone": participant.emergency_contact_phone,
    }
    return [_safe(values[column.name]) for column in PARTICIPANT_COLUMNS]


def roster_table(delegation: Delegation) -> list[list[str]]:
    """A delegation's members, one row each, under a header row; role, status and headship last.

    The headship is a column of its own, after the ones the import reads back (it maps columns
    by their header and leaves the others), so a re-imported roster keeps its roles.
    """
    members = delegation.members.select_related("participant__organisation", "participant__home_city").order_by(
        "participant__last_name", "participant__first_name"
    )
    header = [str(column.label) for column in FIELDS] + [_("Head of delegation")]
    return [header] + [
        _participant_cells(member.participant)
        + [
            member.get_role_display(),
            member.get_status_display(),
            _("Head") if member.participant_id == delegation.head_id else "",
        ]
        for member in members
    ]


def participants_table(participants: QuerySet[Participant]) -> list[list[str]]:
    header = [str(column.label) for column in PARTICIPANT_COLUMNS]
    rows = participants.select_related("organisation", "home_city").order_by("last_name", "first_name", "pk")
    return [header] + [_participant_cells(participant) for participant in rows]


def table_csv(table: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons: what a Belgian or French Excel splits into
    columns, with accents intact. The import reads semicolons and commas alike."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";").writerows(table)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: list[list[str]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in table:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # Cells are text: openpyxl would otherwise read "=..." as a formula.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_csv(delegation: Delegation) -> bytes:
    return table_csv(roster_table(delegation))


def roster_xlsx(delegation: Delegation) -> bytes:
    return table_xlsx(roster_table(delegation), title="Roster")


def participants_csv(participants: QuerySet[Participant]) -> bytes:
    return table_csv(participants_table(participants))


def participants_xlsx(participants: QuerySet[Participant]) -> bytes:
    return table_xlsx(participants_table(participants), title="Participants")
