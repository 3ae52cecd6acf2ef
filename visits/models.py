"""Programmes, study visits, their itineraries and what follows them."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from delegations.models import Delegation, DelegationMember
from officers.models import TimeStampedModel
from partners.models import City, Organisation, localized


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
        return localized(self.name, self.name_fr)


class StudyVisit(TimeStampedModel):
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


class ItineraryItem(TimeStampedModel):
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
    # default for rows made in Python (a form's initial), db_default for rows COPYed without them (bench).
    host_contact_role = models.CharField(
        _("host contact's role"), max_length=200, blank=True, default="", db_default=""
    )
    host_contact_phone = models.CharField(
        _("host contact's phone"), max_length=40, blank=True, default="", db_default=""
    )
    # The contact is a person's data: delegates see it only once the officer says they may.
    host_contact_shared = models.BooleanField(_("show the host contact to delegates"), default=False, db_default=False)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="itinerary_items")
    description = models.TextField(_("description"), blank=True)
    notes_for_delegates = models.TextField(_("notes for delegates"), blank=True)
    # iCalendar's SEQUENCE: raised by the item services on every change of time, place or
    # cancellation, so calendar clients take the newer copy of the entry (RFC 5545 3.8.7.4).
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, db_default=0, editable=False)

    history = HistoricalRecords(m2m_fields=[host_organisations, themes])

    is_leg = False  # beside travel legs in one itinerary

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
    def host_contact_for_delegates(self) -> bool:
        """Whether delegates see the host contact: the officer shared it and there is something to show."""
        return self.host_contact_shared and bool(self.host_contact or self.host_contact_phone)

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

    class Subject(models.TextChoices):
        ITEM = "item", _("Itinerary item")
        LEG = "leg", _("Travel leg")
        # One delegate's own entries (kept by trips, told only to them): their values are the entries' UID prefixes.
        TRAVEL = "travel", _("Own travel")
        STAY = "stay", _("Hotel stay")

    visit = models.ForeignKey(
        StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="itinerary_changes"
    )
    # A plain id, not a key: the change outlives a deleted item or leg.
    item_pk = models.PositiveBigIntegerField(_("itinerary item id"))
    subject = models.CharField(_("what changed"), max_length=10, choices=Subject.choices, default=Subject.ITEM)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    title = models.CharField(_("title"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64)
    # A leg ends in another city: its arrival reads in that city's zone (blank: the same as the start).
    end_timezone = models.CharField(_("time zone at the end"), max_length=64, blank=True)
    old_end_timezone = models.CharField(_("time zone at the end before"), max_length=64, blank=True)
    city_name = models.CharField(_("city"), max_length=120, blank=True)
    old_title = models.CharField(_("title before"), max_length=200, blank=True)
    old_starts_at = models.DateTimeField(_("started at"), null=True, blank=True)
    old_ends_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    old_timezone = models.CharField(_("time zone before"), max_length=64, blank=True)
    old_venue = models.CharField(_("venue before"), max_length=200, blank=True)
    # The place before, so the delegate's page can strike it through (a leg's: its departure's).
    old_city_name = models.CharField(_("city before"), max_length=120, blank=True, default="", db_default="")
    old_address = models.CharField(_("address before"), max_length=300, blank=True, default="", db_default="")
    new_starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    new_ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    new_venue = models.CharField(_("venue"), max_length=200, blank=True)
    # The item's calendar SEQUENCE after this change; a removal's is one above the item's last.
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, db_default=0)
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
    # Whom a change of a sub-group leg concerns: the delegation member ids on it before or after
    # (their union); empty for items and whole-delegation legs, which concern everyone. A
    # delegate's own travel or hotel concerns that member only.
    audience = models.JSONField(_("members concerned"), default=list, blank=True)

    class Meta:
        verbose_name = _("itinerary change")
        verbose_name_plural = _("itinerary changes")
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["digested_at", "visit"], name="visits_change_pending")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.title}"


class TravelLeg(TimeStampedModel):
    """The delegation (or some of its members) travelling between two places.

    Each end keeps its own city, so the departure reads in the from-city's zone and the
    arrival in the to-city's: a coach from Nashville (Central) to Chattanooga (Eastern)
    leaves at 11:00 CST and arrives at 14:15 EST. A leg with no members chosen is for the
    whole delegation (``whole_delegation``); with some, for that sub-group only. Legs before
    the visit's first day or after its last (the flights out and home) are normal: they are
    flagged, never refused.
    """

    class Kind(models.TextChoices):
        FLIGHT = "flight", _("Flight")
        TRAIN = "train", _("Train")
        COACH = "coach", _("Coach")
        CAR = "car", _("Car")
        ON_FOOT = "on_foot", _("On foot")

    Status = ItineraryItem.Status

    visit = models.ForeignKey(StudyVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="legs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COACH)
    from_city = models.ForeignKey(City, verbose_name=_("from"), on_delete=models.PROTECT, related_name="legs_from")
    from_place = models.CharField(
        _("departure place"), max_length=200, blank=True, help_text=_("A station, an airport or an address.")
    )
    to_city = models.ForeignKey(City, verbose_name=_("to"), on_delete=models.PROTECT, related_name="legs_to")
    to_place = models.CharField(
        _("arrival place"), max_length=200, blank=True, help_text=_("A station, an airport or an address.")
    )
    departs_at = models.DateTimeField(_("departs at"))
    arrives_at = models.DateTimeField(_("arrives at"))
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    reference = models.CharField(_("reference"), max_length=50, blank=True, help_text=_("e.g. a flight number"))
    notes_for_delegates = models.TextField(_("notes for delegates"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    # Raised on every change of time, place or status, so calendars replace their copy (SEQUENCE).
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, db_default=0, editable=False)
    # Said in its own column, not by an empty list: a sub-group whose members all leave the
    # roster is nobody's leg, not suddenly everyone's.
    whole_delegation = models.BooleanField(
        _("whole delegation"), default=True, help_text=_("Untick to choose the members who travel.")
    )
    members = models.ManyToManyField(
        DelegationMember,
        verbose_name=_("only for these members"),
        blank=True,
        related_name="travel_legs",
    )

    history = HistoricalRecords(m2m_fields=[members])

    is_leg = True  # beside items in one itinerary

    class Meta:
        verbose_name = _("travel leg")
        verbose_name_plural = _("travel legs")
        ordering = ["departs_at", "arrives_at", "pk"]
        indexes = [models.Index(fields=["visit", "departs_at"], name="visits_leg_visit_departs")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(arrives_at__gt=models.F("departs_at")),
                name="visits_travelleg_arrives_after_departure",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["flight", "train", "coach", "car", "on_foot"]),
                name="visits_travelleg_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["requested", "confirmed", "cancelled"]),
                name="visits_travelleg_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.title} – {self.local_departure:%Y-%m-%d %H:%M %Z}"

    @property
    def title(self) -> str:
        """What a digest or a calendar calls the leg: "Coach Nashville → Chattanooga"."""
        return f"{self.get_kind_display()} {self.from_city.name} → {self.to_city.name}"

    @staticmethod
    def history_label(record) -> str:
        """The title of a historical record (its cities selected), for ``officers.history``.

        An older record may name a city since merged into another (``partners.services.city_merge``): "—".
        """
        cities = [city.name if city else "—" for city in (record.from_city, record.to_city)]
        return f"{record.get_kind_display()} {cities[0]} → {cities[1]}"

    @property
    def local_departure(self) -> dt.datetime:
        return self.departs_at.astimezone(self.from_city.zone)

    @property
    def local_arrival(self) -> dt.datetime:
        return self.arrives_at.astimezone(self.to_city.zone)

    # A leg sorts, groups by day and overlaps like an item in the officer's itinerary.
    @property
    def starts_at(self) -> dt.datetime:
        return self.departs_at

    @property
    def ends_at(self) -> dt.datetime:
        return self.arrives_at

    @property
    def local_start(self) -> dt.datetime:
        return self.local_departure

    @property
    def local_end(self) -> dt.datetime:
        return self.local_arrival

    def outside_visit_days(self) -> bool:
        """Whether it leaves before the visit's first day or arrives after its last, each end in its own zone."""
        visit = self.visit
        return self.local_departure.date() < visit.starts_on or self.local_arrival.date() > visit.ends_on

    def clean(self):
        if self.departs_at and self.arrives_at and self.arrives_at <= self.departs_at:
            raise ValidationError({"arrives_at": _("The arrival must come after the departure.")})
