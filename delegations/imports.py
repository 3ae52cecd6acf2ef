"""Importing a delegation's participants from a spreadsheet: parse, map, check, then all or nothing.

A file is read by its content, not its name: an XLSX workbook (a zip archive that openpyxl
opens) or CSV text. CSV comes as Belgian and American spreadsheets write it: separated by
commas or semicolons, in UTF-8 with or without a byte-order mark, or in Windows-1252.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from officers.history import history_user_set
from partners.models import City, Organisation

from .models import Delegation, DelegationMember, Participant
from .selectors import participants_for_officer

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_COLUMNS = 40
# Cells that a spreadsheet would run as a formula; exports prefix them with an apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    """The upload cannot be read as a participant list; the message says why, in words."""


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()


FIELDS = [
    ImportField("first_name", gettext_lazy("First name"), True, ("firstname", "given name", "prenom")),
    ImportField("last_name", gettext_lazy("Last name"), True, ("lastname", "surname", "family name", "nom")),
    ImportField("email", gettext_lazy("Email"), False, ("e-mail", "mail", "courriel", "adresse email")),
    ImportField("phone", gettext_lazy("Phone"), False, ("telephone", "tel", "mobile", "gsm")),
    ImportField("organisation", gettext_lazy("Organisation"), False, ("organization", "organisme", "employer")),
    ImportField("position", gettext_lazy("Position"), False, ("job title", "title", "fonction", "poste")),
    ImportField("profession", gettext_lazy("Profession"), False, ("metier",)),
    ImportField("home_city", gettext_lazy("Home city"), False, ("city", "ville", "ville d'origine")),
    ImportField("preferred_language", gettext_lazy("Preferred language"), False, ("language", "langue")),
    ImportField("dietary_needs", gettext_lazy("Dietary needs"), False, ("diet", "regime alimentaire")),
    ImportField("accessibility_needs", gettext_lazy("Accessibility needs"), False, ("accessibility", "accessibilite")),
    ImportField("emergency_contact_name", gettext_lazy("Emergency contact"), False, ("contact d'urgence",)),
    ImportField("emergency_contact_phone", gettext_lazy("Emergency contact phone"), False, ("telephone d'urgence",)),
    ImportField("role", gettext_lazy("Role"), False, ("role in delegation",)),
    ImportField("status", gettext_lazy("Status"), False, ("statut",)),
]
FIELD_NAMES = [import_field.name for import_field in FIELDS]
PARTICIPANT_TEXT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "position",
    "dietary_needs",
    "accessibility_needs",
    "emergency_contact_name",
    "emergency_contact_phone",
]


@dataclass
class ParsedFile:
    headers: list[str]
    rows: list[list[str]]

    def as_dict(self) -> dict:
        return {"headers": self.headers, "rows": self.rows}


@dataclass
class RowResult:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    participant: Participant | None = None

    @property
    def updates_existing(self) -> bool:
        return self.participant is not None and self.participant.pk is not None


# Reading the file


def parse_upload(data: bytes) -> ParsedFile:
    """Read an uploaded file's bytes into a header row and text rows, judging the type by content."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is larger than 2 MB; split it into smaller files."))
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data)
    elif b"\x00" in data:
        raise ImportFileError(_("This file is neither a CSV file nor an Excel (.xlsx) workbook."))
    else:
        table = _read_csv(data)
    table = [[cell.strip() for cell in row] for row in table]
    table = [row for row in table if any(row)]
    if not table:
        raise ImportFileError(_("The file has no rows."))
    headers, rows = table[0], table[1:]
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(_("The file has more than %(max)s columns.") % {"max": MAX_COLUMNS})
    if not rows:
        raise ImportFileError(_("The file has a header row but no participants under it."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows; split it into smaller files.") % {"max": MAX_ROWS}
        )
    width = len(headers)
    rows = [(row + [""] * width)[:width] for row in rows]
    return ParsedFile(headers=headers, rows=rows)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, as spreadsheets save CSV."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(_("The file's text is neither UTF-8 nor Windows-1252.")) from error


def detect_delimiter(text: str) -> str:
    """The separator of the header line: a semicolon (Belgian spreadsheets) or a comma."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


# Text that is not a spreadsheet: a web page, an XML or SVG file, a PDF, or binary control characters.
NOT_CSV_START = ("<", "%PDF-", "{\\rtf")
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")


def _read_csv(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    if text.lstrip().startswith(NOT_CSV_START) or CONTROL_CHARACTERS.search(text):
        raise ImportFileError(_("This file is neither a CSV file nor an Excel (.xlsx) workbook."))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text)))
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(_("This file is neither a CSV file nor an Excel (.xlsx) workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            cells = [_cell_text(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()
            table.append(cells)
            if len(table) > MAX_ROWS + 1:
                break
        return table
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


# Mapping columns to fields


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9']+", " ", text).strip()


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """For each field, the index of the column whose header names it, or None."""
    normalised = [_normalise(header) for header in headers]
    mapping: dict[str, int | None] = {}
    for import_field in FIELDS:
        names = {
            _normalise(import_field.name.replace("_", " ")),
            *(_normalise(alias) for alias in import_field.aliases),
        }
        for language in ("en", "fr"):
            with translation.override(language):
                names.add(_normalise(str(import_field.label)))
        mapping[import_field.name] = next(
            (index for index, header in enumerate(normalised) if header in names and index not in mapping.values()),
            None,
        )
    return mapping


def mapping_errors(mapping: dict[str, int | None], headers: list[str]) -> list[str]:
    errors = []
    for import_field in FIELDS:
        index = mapping.get(import_field.name)
        if import_field.required and index is None:
            errors.append(_("Choose the column that holds “%(field)s”.") % {"field": import_field.label})
        if index is not None and not 0 <= index < len(headers):
            errors.append(_("“%(field)s” points to a column the file does not have.") % {"field": import_field.label})
    used = [index for index in mapping.values() if index is not None]
    if len(used) != len(set(used)):
        errors.append(_("Each column can hold only one field."))
    return errors


# Checking rows


class _Lookups:
    """Organisations, cities and choice labels, loaded once per import."""

    def __init__(self):
        self.organisations: dict[str, Organisation | None] = {}
        for organisation in Organisation.objects.all():
            for key in {organisation.name, organisation.acronym, str(organisation)} - {""}:
                self._add(self.organisations, key, organisation)
        self.cities: dict[str, City | None] = {}
        for city in City.objects.all():
            for key in (city.name, str(city)):
                self._add(self.cities, key, city)
        self.choices = {
            "profession": self._choices(Participant.Profession.choices),
            "role": self._choices(DelegationMember.Role.choices),
            "status": self._choices(DelegationMember.Status.choices),
            "preferred_language": self._choices([("en", "English"), ("fr", "French"), ("fr", "Français")]),
        }

    @staticmethod
    def _add(index: dict, key: str, obj) -> None:
        key = _normalise(key)
        # Two rows answering to one name make the name ambiguous: None marks it.
        index[key] = obj if index.get(key, obj) == obj else None

    @staticmethod
    def _choices(choices) -> dict[str, str]:
        found = {}
        for value, label in choices:
            found[_normalise(value)] = value
            for language in ("en", "fr"):
                with translation.override(language):
                    found[_normalise(str(label))] = value
        return found


def _cell(row: list[str], index: int | None) -> str | None:
    if index is None:
        return None
    value = row[index].strip()
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_START:
        value = value[1:]
    return value


def check_rows(parsed: ParsedFile, mapping: dict[str, int | None], *, delegation: Delegation, by) -> list[RowResult]:
    """Check every row without writing anything; each result lists its errors in words.

    A row whose email belongs to a person outside ``by``'s reach is refused: an import
    never reads or changes people of other programmes.
    """
    lookups = _Lookups()
    emails = (
        {row[mapping["email"]].strip().lower() for row in parsed.rows} if mapping.get("email") is not None else set()
    )
    existing_by_email = {
        participant.email.lower(): participant
        for participant in Participant.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=emails - {""}
        )
    }
    reachable = set(
        participants_for_officer(by)
        .filter(pk__in=[participant.pk for participant in existing_by_email.values()])
        .values_list("pk", flat=True)
    )
    out_of_reach = {email for email, participant in existing_by_email.items() if participant.pk not in reachable}
    results = []
    seen_emails: dict[str, int] = {}
    for offset, row in enumerate(parsed.rows):
        line = offset + 2  # the spreadsheet's own row number: row 1 is the header
        values = {name: value for name in FIELD_NAMES if (value := _cell(row, mapping.get(name))) is not None}
        result = RowResult(line=line, values=values)
        _check_row(result, lookups, existing_by_email, seen_emails, delegation)
        if values.get("email", "").lower() in out_of_reach:
            result.participant = None
            result.errors.append(
                _(
                    "Someone with the email %(email)s is already in the directory, outside your programmes: "
                    "ask an admin to add them to this delegation."
                )
                % {"email": values["email"]}
            )
        results.append(result)
    return results


def _check_row(result: RowResult, lookups: _Lookups, existing_by_email, seen_emails, delegation) -> None:
    values, errors = result.values, result.errors
    for name in ("first_name", "last_name"):
        if not values.get(name):
            errors.append(_("%(field)s is empty.") % {"field": _label(name)})
    email = values.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("“%(email)s” is not an email address.") % {"email": values["email"]})
        if email in seen_emails:
            errors.append(
                _("The email %(email)s is already on row %(line)s.") % {"email": email, "line": seen_emails[email]}
            )
        seen_emails.setdefault(email, result.line)
    for name, index in (("organisation", lookups.organisations), ("home_city", lookups.cities)):
        text = values.get(name)
        if text:
            found = index.get(_normalise(text), False)
            if found is False:
                errors.append(_("%(field)s “%(value)s” is not known.") % {"field": _label(name), "value": text})
            elif found is None:
                errors.append(
                    _("%(field)s “%(value)s” matches more than one; add the country, e.g. “Liège (BE)”.")
                    % {"field": _label(name), "value": text}
                )
    for name, choices in lookups.choices.items():
        text = values.get(name)
        if text and _normalise(text) not in choices:
            allowed = ", ".join(sorted({key for key in choices.values()}))
            errors.append(
                _("%(field)s “%(value)s” is not one of: %(allowed)s.")
                % {"field": _label(name), "value": text, "allowed": allowed}
            )
    if errors:
        return
    participant = _participant_for(values, existing_by_email, delegation)
    _apply(participant, values, lookups)
    try:
        # Related rows come from the lookups and emails were matched above: no query per row here.
        participant.full_clean(exclude=["organisation", "home_city", "user"], validate_constraints=False)
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            label = _label(field_name) if field_name in FIELD_NAMES else ""
            errors.extend(f"{label}: {message}" if label else message for message in messages)
    else:
        result.participant = participant


def _label(name: str) -> str:
    return str(next(import_field.label for import_field in FIELDS if import_field.name == name))


def _participant_for(values, existing_by_email, delegation) -> Participant:
    """The participant a row describes: the same email, else the same name on this roster, else a new one."""
    email = values.get("email", "").lower()
    if email and email in existing_by_email:
        return existing_by_email[email]
    if not email and values.get("first_name") and values.get("last_name"):
        member = (
            delegation.members.select_related("participant")
            .filter(
                participant__first_name__iexact=values["first_name"],
                participant__last_name__iexact=values["last_name"],
            )
            .first()
        )
        if member:
            return member.participant
    return Participant()


def _apply(participant: Participant, values: dict[str, str], lookups: _Lookups) -> None:
    for name in PARTICIPANT_TEXT_FIELDS:
        if name in values:
            setattr(participant, name, values[name])
    if "organisation" in values:
        participant.organisation = lookups.organisations.get(_normalise(values["organisation"])) or None
    if "home_city" in values:
        participant.home_city = lookups.cities.get(_normalise(values["home_city"])) or None
    for name in ("profession", "preferred_language"):
        if values.get(name):
            setattr(participant, name, lookups.choices[name][_normalise(values[name])])


# Writing, all or nothing


class ImportRowsError(Exception):
    """Some rows are wrong; nothing was saved."""

    def __init__(self, results: list[RowResult]):
        super().__init__("rows with errors")
        self.results = results


@transaction.atomic
def participants_import(
    parsed: ParsedFile, *, mapping: dict[str, int | None], delegation: Delegation, by
) -> list[DelegationMember]:
    """Create or update every row's participant and put them on the delegation's roster.

    All or nothing: if any row is wrong, raises :class:`ImportRowsError` with every row's
    result and writes nothing. A row matches an existing participant by email (or, without
    email, by name on this roster); its role and status apply to the roster entry.
    """
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    results = check_rows(parsed, mapping, delegation=delegation, by=by)
    if any(result.errors for result in results):
        raise ImportRowsError(results)
    lookups = _Lookups()
    members = []
    for result in results:
        values, participant = result.values, result.participant
        try:
            participant.full_clean()
        except ValidationError as error:
            # Someone else saved the same email since the preview: report it, keep nothing.
            result.errors.extend(error.messages)
            raise ImportRowsError(results) from error
        history_user_set(participant, by)
        participant._change_reason = "imported"
        if participant.pk is None and getattr(by, "pk", None):
            participant.created_by = by
        participant.save()
        member = DelegationMember.objects.filter(delegation=delegation, participant=participant).first()
        member = member or DelegationMember(delegation=delegation, participant=participant)
        for name in ("role", "status"):
            if values.get(name):
                setattr(member, name, lookups.choices[name][_normalise(values[name])])
        member.full_clean()
        history_user_set(member, by)
        member._change_reason = "imported"
        member.save()
        members.append(member)
    return members
