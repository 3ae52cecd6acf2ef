"""Programmes, study visits, their itineraries and what follows them."""

import datetime as dt
import re
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from delegations.models import Delegation, Participant
from delegations.tokens import token_hash_unusable
from partners.models import City, NetworkMembership, Organisation, validate_time_zone


def default_reminder_days() -> list[int]:
    return [7, 1]


def validate_reminder_days(value) -> None:
    if not isinstance(value, list) or not all(isinstance(day, int) and 0 <= day <= 365 for day in value):
        raise ValidationError(_("Give reminder days as a list of whole numbers between 0 and 365, e.g. [7, 1]."))


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Organisations outlive programmes; one that still organises a programme cannot vanish.
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="organised_programmes"
    )
    supporters = models.ManyToManyField(
        Organisation, verbose_name=_("supporting organisations"), blank=True, related_name="supported_programmes"
    )
    partner_networks = models.ManyToManyField(
        Organisation,
        verbose_name=_("partner networks"),
        blank=True,
        related_name="network_programmes",
        limit_choices_to={"kind": Organisation.Kind.NETWORK},
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("programme officers"), blank=True, related_name="programmes"
    )
    reminder_days = models.JSONField(
        _("reminder days before a visit"),
        default=default_reminder_days,
        validators=[validate_reminder_days],
        help_text=_("Days before a visit starts on which delegates are reminded, e.g. [7, 1]."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="visits_programme_unique_name")]

    def __str__(self):
        return self.name


class Theme(models.Model):
    name = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="visits_theme_unique_name")]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if self.name_fr and (get_language() or "").startswith("fr"):
            return self.name_fr
        return self.name


class StudyVisit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="visits"
    )
    title = models.CharField(_("title"), max_length=200)
    # The travelling group is kept while any visit records it; a draft may not have one yet.
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("travelling delegation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="visits")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        verbose_name = _("study visit")
        verbose_name_plural = _("study visits")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="visits_visit_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "cancelled"]) | models.Q(published_at__isnull=False),
                name="visits_visit_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("visits:visit_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.COMPLETED)

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A visit cannot end before it starts.")})


class VisitStop(models.Model):
    """A host city of a visit, in the order the delegation travels."""

    visit = models.ForeignKey(StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="stops")
    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="visit_stops")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    arrives_on = models.DateField(_("arrives on"))
    departs_on = models.DateField(_("departs on"))

    class Meta:
        verbose_name = _("host city")
        verbose_name_plural = _("host cities")
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="visits_stop_unique_position"),
            models.CheckConstraint(
                condition=models.Q(departs_on__gte=models.F("arrives_on")), name="visits_stop_departs_after_arrival"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.city.name} ({self.arrives_on:%d %b}–{self.departs_on:%d %b})"

    def clean(self):
        if self.arrives_on and self.departs_on and self.departs_on < self.arrives_on:
            raise ValidationError({"departs_on": _("A stop cannot end before it starts.")})
        if self.visit_id and self.arrives_on and self.departs_on:
            visit = self.visit
            if self.arrives_on < visit.starts_on or self.departs_on > visit.ends_on:
                raise ValidationError(
                    _("The dates in %(city)s must lie within the visit (%(start)s to %(end)s)."),
                    params={
                        "city": self.city.name if self.city_id else "",
                        "start": visit.starts_on,
                        "end": visit.ends_on,
                    },
                )


class ItineraryItem(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        SITE_VISIT = "site_visit", _("Site visit")
        WORKSHOP = "workshop", _("Workshop")
        TRAVEL = "travel", _("Travel")
        MEAL = "meal", _("Meal")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    visit = models.ForeignKey(
        StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="itinerary_items"
    )
    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="itinerary_items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=200)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    host_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("host organisations"), blank=True, related_name="hosted_items"
    )
    host_contact = models.CharField(_("host contact"), max_length=200, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="itinerary_items")
    description = models.TextField(_("description"), blank=True)
    notes_for_delegates = models.TextField(_("notes for delegates"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[host_organisations, themes])

    class Meta:
        verbose_name = _("itinerary item")
        verbose_name_plural = _("itinerary items")
        ordering = ["starts_at", "ends_at", "pk"]
        indexes = [models.Index(fields=["visit", "starts_at"], name="visits_item_visit_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="visits_item_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.title} – {self.local_start:%Y-%m-%d %H:%M %Z}"

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.city.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(self.city.zone)

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("An item must end after it starts.")
        if self.visit_id and self.city_id and self.starts_at and self.ends_at and not errors:
            visit = self.visit
            if self.local_start.date() < visit.starts_on or self.local_end.date() > visit.ends_on:
                errors["starts_at"] = _(
                    "This item falls outside the visit's dates (%(start)s to %(end)s) in %(city)s's local time."
                ) % {"start": visit.starts_on, "end": visit.ends_on, "city": self.city.name}
        if errors:
            raise ValidationError(errors)


class FollowUp(models.Model):
    """A commitment made after a visit, owned by a person, an organisation or a city."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    # Commitments outlive the visit record: a visit with follow-ups cannot be deleted, only cancelled.
    visit = models.ForeignKey(StudyVisit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="follow_ups")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_participant = models.ForeignKey(
        Participant,
        verbose_name=_("owner (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    owner_city = models.ForeignKey(
        City, verbose_name=_("owner (city)"), on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="follow_ups")
    # The membership change this commitment led to, if any; the membership is the record of fact.
    resulting_membership = models.ForeignKey(
        NetworkMembership,
        verbose_name=_("resulting network membership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(owner_participant__isnull=False, owner_organisation__isnull=True, owner_city__isnull=True)
                    | models.Q(
                        owner_participant__isnull=True, owner_organisation__isnull=False, owner_city__isnull=True
                    )
                    | models.Q(
                        owner_participant__isnull=True, owner_organisation__isnull=True, owner_city__isnull=False
                    )
                ),
                name="visits_followup_exactly_one_owner",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def owner(self):
        return self.owner_participant or self.owner_organisation or self.owner_city

    def clean(self):
        owners = [self.owner_participant_id, self.owner_organisation_id, self.owner_city_id]
        if sum(owner is not None for owner in owners) != 1:
            raise ValidationError(_("Choose exactly one owner: a person, an organisation or a city."))


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

    class Meta:
        verbose_name = _("itinerary last seen")
        verbose_name_plural = _("itineraries last seen")
        constraints = [
            models.UniqueConstraint(fields=["visit", "participant"], name="visits_lastseen_unique_visit_participant"),
        ]

    def __str__(self):
        return f"{self.participant} – {self.visit}"


class PersonalTravel(models.Model):
    """One member's own arrival or departure leg, with each end's time in its own zone."""

    class Direction(models.TextChoices):
        ARRIVAL = "arrival", _("Arrival")
        DEPARTURE = "departure", _("Departure")

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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
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


class Accommodation(models.Model):
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
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

    history = HistoricalRecords()

    class Meta:
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


class ItemNote(models.Model):
    """What was discussed at one itinerary item and who met whom, written by an officer or a delegate."""

    # A note only makes sense with its meeting: removing the item removes what was said there.
    item = models.ForeignKey(
        ItineraryItem, verbose_name=_("itinerary item"), on_delete=models.CASCADE, related_name="notes"
    )
    discussed = models.TextField(_("what was discussed"))
    met_with = models.TextField(_("who met whom"), blank=True)
    # Erasing a login keeps the note; only the byline goes.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="item_notes",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting note")
        verbose_name_plural = _("meeting notes")
        ordering = ["item__starts_at", "created_at", "pk"]

    def __str__(self):
        return f"{self.item.title}: {self.discussed[:60]}"


class Lesson(models.Model):
    """A lesson learned on a visit, under one theme, optionally drawn from one itinerary item."""

    # Like follow-ups, lessons outlive the visit record: a visit with lessons is cancelled, not deleted.
    visit = models.ForeignKey(StudyVisit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="lessons")
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="lessons")
    # The lesson stands on its own if the meeting it came from is removed.
    item = models.ForeignKey(
        ItineraryItem,
        verbose_name=_("learned at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
    )
    title = models.CharField(_("lesson"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["theme__name", "created_at", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.item_id and self.visit_id and self.item.visit_id != self.visit_id:
            raise ValidationError({"item": _("Choose an item of this visit's itinerary.")})


class ItineraryChange(models.Model):
    """One edit of a published itinerary, waiting to be told to delegates in a digest.

    Written by the itinerary item services in the same transaction as the edit; a digest
    is sent once a visit's latest change is older than ``ITINERARY_DIGEST_QUIET_MINUTES``,
    and marks the changes it told (``digested_at``). Times are kept as they were, so the
    digest can say "moved from 10:00 to 11:00" even after the item is gone.
    """

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        CANCELLED = "cancelled", _("Cancelled")
        DELETED = "deleted", _("Removed")

    visit = models.ForeignKey(
        StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="itinerary_changes"
    )
    # A plain id, not a key: the change outlives a deleted item.
    item_pk = models.PositiveBigIntegerField(_("itinerary item id"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    title = models.CharField(_("title"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64)
    city_name = models.CharField(_("city"), max_length=120, blank=True)
    old_title = models.CharField(_("title before"), max_length=200, blank=True)
    old_starts_at = models.DateTimeField(_("started at"), null=True, blank=True)
    old_ends_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    old_timezone = models.CharField(_("time zone before"), max_length=64, blank=True)
    old_venue = models.CharField(_("venue before"), max_length=200, blank=True)
    new_starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    new_ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    new_venue = models.CharField(_("venue"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    digested_at = models.DateTimeField(_("told in a digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("itinerary change")
        verbose_name_plural = _("itinerary changes")
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["digested_at", "visit"], name="visits_change_pending")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.title}"
