"""What visits achieve: follow-ups, meeting notes and lessons learned."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from delegations.models import Participant
from officers.models import TimeStampedModel
from partners.models import City, NetworkMembership, Organisation
from visits.models import ItineraryItem, StudyVisit, Theme


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        """Follow-ups still to be done: open or in progress."""
        return self.filter(status__in=FollowUp.OPEN_STATUSES)

    def overdue(self, today: dt.date):
        """Open follow-ups whose due date is before ``today``."""
        return self.open().filter(due_on__lt=today)


class FollowUp(TimeStampedModel):
    """A commitment made after a visit, owned by a person, an organisation or a city."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

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

    history = HistoricalRecords(table_name="visits_historicalfollowup", m2m_fields=[themes])

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        db_table = "visits_followup"
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

    def is_overdue_on(self, today: dt.date) -> bool:
        """The row's own answer to ``FollowUp.objects.overdue(today)``."""
        return self.status in self.OPEN_STATUSES and self.due_on is not None and self.due_on < today

    def clean(self):
        owners = [self.owner_participant_id, self.owner_organisation_id, self.owner_city_id]
        if sum(owner is not None for owner in owners) != 1:
            raise ValidationError(_("Choose exactly one owner: a person, an organisation or a city."))


class ItemNote(TimeStampedModel):
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

    history = HistoricalRecords(table_name="visits_historicalitemnote")

    class Meta:
        db_table = "visits_itemnote"
        verbose_name = _("meeting note")
        verbose_name_plural = _("meeting notes")
        ordering = ["item__starts_at", "created_at", "pk"]

    def __str__(self):
        return f"{self.item.title}: {self.discussed[:60]}"


class Lesson(TimeStampedModel):
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

    history = HistoricalRecords(table_name="visits_historicallesson")

    class Meta:
        db_table = "visits_lesson"
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["theme__name", "created_at", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.item_id and self.visit_id and self.item.visit_id != self.visit_id:
            raise ValidationError({"item": _("Choose an item of this visit's itinerary.")})
