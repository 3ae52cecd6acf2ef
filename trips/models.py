"""The delegate's side of a visit: own travel and hotels, calendar feed links, last looks, invitation letters."""

import datetime as dt
import re
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from delegations.models import DelegationMember, Participant
from delegations.tokens import token_hash_unusable
from officers.models import TimeStampedModel
from partners.models import City, validate_time_zone
from visits.models import Programme, StudyVisit


class CalendarFeedToken(models.Model):
    """A participant's secret calendar subscription link; only a hash of its token is kept."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, editable=False, default=token_hash_unusable
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        db_table = "visits_calendarfeedtoken"
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(revoked_at__isnull=True),
                name="visits_feedtoken_one_active_per_participant",
            ),
        ]

    def __str__(self):
        return f"{self.participant} ({self.created_at:%Y-%m-%d})"


class ItineraryLastSeen(models.Model):
    """When a participant last opened a visit's itinerary, to mark what changed since."""

    visit = models.ForeignKey(StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="itineraries_seen"
    )
    seen_at = models.DateTimeField(_("last seen"))
    # When the participant first saw each change (``visits.ItineraryChange`` id -> ISO time):
    # a change stays marked for ``CHANGE_MARK_HOURS`` after that, not only until the next look.
    changes_first_seen = models.JSONField(_("changes first seen"), default=dict, blank=True, db_default={})

    class Meta:
        db_table = "visits_itinerarylastseen"
        verbose_name = _("itinerary last seen")
        verbose_name_plural = _("itineraries last seen")
        constraints = [
            models.UniqueConstraint(fields=["visit", "participant"], name="visits_lastseen_unique_visit_participant"),
        ]

    def __str__(self):
        return f"{self.participant} – {self.visit}"


class PersonalTravel(TimeStampedModel):
    """One member's own leg to the visit or home from it, with each end's time in its own zone."""

    class Direction(models.TextChoices):
        # The stored values name the leg by its end at the visit; the labels say what the leg is.
        ARRIVAL = "arrival", _("Outbound")
        DEPARTURE = "departure", _("Return")

    class Mode(models.TextChoices):
        FLIGHT = "flight", _("Flight")
        TRAIN = "train", _("Train")

    visit = models.ForeignKey(
        StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="personal_travel"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="personal_travel"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.FLIGHT)
    carrier = models.CharField(_("carrier and number"), max_length=100, blank=True, help_text=_("e.g. UA 950"))
    departure_place = models.CharField(_("from"), max_length=200)
    departure_timezone = models.CharField(_("time zone at departure"), max_length=64, validators=[validate_time_zone])
    departs_at = models.DateTimeField(_("departs at"))
    arrival_place = models.CharField(_("to"), max_length=200)
    arrival_timezone = models.CharField(_("time zone at arrival"), max_length=64, validators=[validate_time_zone])
    arrives_at = models.DateTimeField(_("arrives at"))
    booking_reference = models.CharField(_("booking reference"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Its calendar revision (SEQUENCE), raised by ``personal_travel_save`` on a change of time or place.
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, db_default=0, editable=False)

    history = HistoricalRecords(table_name="visits_historicalpersonaltravel")

    class Meta:
        db_table = "visits_personaltravel"
        verbose_name = _("personal travel leg")
        verbose_name_plural = _("personal travel legs")
        ordering = ["departs_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(arrives_at__gt=models.F("departs_at")), name="visits_travel_arrives_after_departure"
            ),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} {self.departure_place} → {self.arrival_place}"

    @property
    def local_departure(self) -> dt.datetime:
        return self.departs_at.astimezone(zoneinfo.ZoneInfo(self.departure_timezone))

    @property
    def local_arrival(self) -> dt.datetime:
        return self.arrives_at.astimezone(zoneinfo.ZoneInfo(self.arrival_timezone))

    def clean(self):
        if self.departs_at and self.arrives_at and self.arrives_at <= self.departs_at:
            raise ValidationError({"arrives_at": _("The arrival must come after the departure.")})


class Accommodation(TimeStampedModel):
    """Where one member sleeps during a visit."""

    visit = models.ForeignKey(
        StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="accommodations"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="accommodations"
    )
    name = models.CharField(_("hotel"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="accommodations")
    check_in = models.DateField(_("check-in"))
    check_out = models.DateField(_("check-out"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    booking_reference = models.CharField(_("booking reference"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Its calendar revision (SEQUENCE), raised by ``accommodation_save`` on a change of dates or place.
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, db_default=0, editable=False)

    history = HistoricalRecords(table_name="visits_historicalaccommodation")

    class Meta:
        db_table = "visits_accommodation"
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        ordering = ["check_in", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_out__gt=models.F("check_in")), name="visits_accommodation_out_after_in"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.check_in:%d %b}–{self.check_out:%d %b})"

    def clean(self):
        if self.check_in and self.check_out and self.check_out <= self.check_in:
            raise ValidationError({"check_out": _("The check-out must come after the check-in.")})


LETTER_PLACEHOLDERS = {
    "participant_name": _("the participant's full name"),
    "participant_position": _("their position"),
    "participant_organisation": _("their organisation"),
    "visit_title": _("the visit's title"),
    "visit_starts_on": _("the first day of the visit"),
    "visit_ends_on": _("the last day of the visit"),
    "host_cities": _("the host cities"),
    "programme_name": _("the programme's name"),
    "organiser_name": _("the organiser's name"),
    "today": _("today's date"),
}


LETTER_PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


def validate_letter_placeholders(value: str) -> None:
    unknown = sorted({name for name in LETTER_PLACEHOLDER_RE.findall(value) if name not in LETTER_PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: %(unknown)s. Use only: %(known)s."),
            params={
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in LETTER_PLACEHOLDERS),
            },
        )


class InvitationLetterTemplate(models.Model):
    """A programme's invitation letter (for a visa or an employer) in one language, with placeholders."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="letter_templates"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_letter_placeholders])
    body = models.TextField(
        _("body"),
        validators=[validate_letter_placeholders],
        help_text=_("Placeholders such as {participant_name} or {visit_starts_on} are filled in for each person."),
    )
    signatory = models.CharField(_("signed by"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(table_name="visits_historicalinvitationlettertemplate")

    class Meta:
        db_table = "visits_invitationlettertemplate"
        verbose_name = _("invitation letter template")
        verbose_name_plural = _("invitation letter templates")
        ordering = ["programme", "language"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "language"], name="visits_lettertemplate_unique_language"),
        ]

    def __str__(self):
        return f"{self.programme} ({self.get_language_display()})"

    def fill(self, values: dict[str, str]) -> tuple[str, str]:
        """The subject and body with each {placeholder} replaced by its value."""

        def replace(match):
            return str(values.get(match.group(1), match.group(0)))

        return LETTER_PLACEHOLDER_RE.sub(replace, self.subject), LETTER_PLACEHOLDER_RE.sub(replace, self.body)


class CheckInRequest(models.Model):
    """An officer asks a visit's delegates (all, or those the itinerary puts in one city) whether they are safe."""

    class Scope(models.TextChoices):
        ALL = "all", _("Every delegate")
        CITY = "city", _("The delegates in one city now")

    visit = models.ForeignKey(
        StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="check_in_requests"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scope = models.CharField(_("to"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("check-in request")
        verbose_name_plural = _("check-in requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="all", city__isnull=True) | models.Q(scope="city", city__isnull=False),
                name="trips_checkinrequest_city_with_scope",
            ),
        ]

    def __str__(self):
        return f"{self.visit} · {self.created_at:%Y-%m-%d %H:%M}"


class CheckInLink(models.Model):
    """One addressed delegate's one-time link to answer a request; only its token's hash is kept."""

    request = models.ForeignKey(
        CheckInRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="links"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="check_in_links"
    )
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, editable=False, default=token_hash_unusable
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in link")
        verbose_name_plural = _("check-in links")
        constraints = [
            models.UniqueConstraint(fields=["request", "participant"], name="trips_checkinlink_one_per_person"),
        ]

    def __str__(self):
        return f"{self.request} · {self.participant}"


class CheckIn(models.Model):
    """A delegate says they are safe or need help, from where the itinerary has them then."""

    class Status(models.TextChoices):
        SAFE = "safe", _("Safe")
        NEEDS_HELP = "needs_help", _("Needs help")

    visit = models.ForeignKey(StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="check_ins")
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="check_ins"
    )
    request = models.ForeignKey(
        CheckInRequest,
        verbose_name=_("request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_ins",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    message = models.TextField(_("message"), blank=True, max_length=1000)
    place = models.CharField(_("where the itinerary had them"), max_length=200, blank=True)
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["visit", "participant", "-created_at"], name="trips_checkin_latest")]

    def __str__(self):
        return f"{self.participant} · {self.get_status_display()}"

    @property
    def zone(self) -> str:
        """The zone to show its time in: its city's, else UTC."""
        return self.city.timezone if self.city_id else "UTC"


class DelegationMessage(models.Model):
    """An officer's message to a visit's delegates, in English, French or both: one outbox row per
    recipient (in the language of the text they got), and this record of who sent what to how many."""

    class Audience(models.TextChoices):
        ALL = "all", _("Every delegate (invited and confirmed)")
        CONFIRMED = "confirmed", _("Confirmed delegates only")
        ROLE = "role", _("The delegates with one role")
        CITY = "city", _("The delegates the itinerary puts in one city now")

    visit = models.ForeignKey(
        StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="delegation_messages"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    audience = models.CharField(_("to"), max_length=10, choices=Audience.choices, default=Audience.ALL)
    role = models.CharField(_("role"), max_length=20, blank=True)
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (English)"), blank=True, max_length=10000)
    subject_fr = models.CharField(_("subject (French)"), max_length=200, blank=True)
    body_fr = models.TextField(_("message (French)"), blank=True, max_length=10000)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    # Members not written to, each {"participant" (id), "name", "email", "reason"}: no address, or one that bounced.
    skipped = models.JSONField(_("skipped"), default=list, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to a delegation")
        verbose_name_plural = _("messages to a delegation")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(audience="city") & models.Q(city__isnull=False))
                | (~models.Q(audience="city") & models.Q(city__isnull=True)),
                name="trips_delegationmessage_city_with_audience",
            ),
            models.CheckConstraint(
                condition=(models.Q(audience="role") & ~models.Q(role=""))
                | (~models.Q(audience="role") & models.Q(role="")),
                name="trips_delegationmessage_role_with_audience",
            ),
        ]

    def __str__(self):
        return self.subject_en or self.subject_fr

    def clean(self):
        errors = {}
        for code, name in (("en", _("English")), ("fr", _("French"))):
            subject, body = getattr(self, f"subject_{code}").strip(), getattr(self, f"body_{code}").strip()
            if subject and not body:
                errors[f"body_{code}"] = _("Write the message in %(language)s, or clear its subject.") % {
                    "language": name
                }
            elif body and not subject:
                errors[f"subject_{code}"] = _("Give the %(language)s message a subject.") % {"language": name}
        if not errors and not self.languages:
            errors["subject_en"] = _("Write the message in English, in French, or in both.")
        if self.audience == self.Audience.ROLE and self.role not in DelegationMember.Role.values:
            errors["role"] = _("Choose the role of the delegates you are writing to.")
        if self.audience == self.Audience.CITY and self.city_id is None:
            errors["city"] = _("Choose the city whose delegates you are writing to.")
        if errors:
            raise ValidationError(errors)

    def text_in(self, language: str) -> tuple[str, str, str]:
        """The (language, subject, body) a recipient who prefers ``language`` gets: that language's
        text when the officer wrote one, else the other's."""
        texts = {"en": (self.subject_en, self.body_en), "fr": (self.subject_fr, self.body_fr)}
        for candidate in (language, *[other for other in texts if other != language]):
            subject, body = texts.get(candidate, ("", ""))
            if subject.strip() and body.strip():
                return candidate, subject, body
        return language, "", ""

    @property
    def languages(self) -> list[str]:
        return [code for code in ("en", "fr") if getattr(self, f"subject_{code}").strip()]
