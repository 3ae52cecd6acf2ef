"""Reads for the follow-up board and the dashboard, with the officer's reach built in."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from visits.models import ItineraryItem, StudyVisit
from visits.selectors import visits_for_officer, visits_for_user

from .models import FollowUp, ItemNote, Lesson


def follow_ups_for_officer(user) -> QuerySet[FollowUp]:
    """Follow-ups of visits the user may manage, with their owners and visit."""
    if not user.is_authenticated:
        return FollowUp.objects.none()
    follow_ups = FollowUp.objects.select_related(
        "visit__programme",
        "owner_participant",
        "owner_organisation",
        "owner_city",
        "resulting_membership__city",
        "resulting_membership__network",
    )
    if user.is_superuser:
        return follow_ups
    return follow_ups.filter(visit__programme__officers=user)


@dataclass(frozen=True)
class OpenFollowUps:
    """The dashboard's open follow-ups: the first few of each kind, and how many there are in all."""

    overdue: list
    due_later: list
    overdue_count: int
    due_later_count: int

    @property
    def count(self) -> int:
        return self.overdue_count + self.due_later_count


def item_notes_for_user(user) -> QuerySet[ItemNote]:
    """Meeting notes the user may read: of visits they manage, or published visits they travel on
    (the notes pages' reach), with their item and author."""
    return ItemNote.objects.filter(item__visit__in=visits_for_user(user).values("pk")).select_related("item", "author")


def lessons_for_user(user) -> QuerySet[Lesson]:
    """Lessons learned the user may read, with the same reach as the notes, their theme and author."""
    return Lesson.objects.filter(visit__in=visits_for_user(user).values("pk")).select_related("theme", "author")


def open_follow_ups_for_officer(user, *, today: dt.date, limit: int = 20, programme=None) -> OpenFollowUps:
    """The first ``limit`` overdue and the first ``limit`` other open follow-ups, by due date, and how
    many of each there are, in one query; ``programme`` narrows them to one of the user's programmes."""
    overdue = Case(When(due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
    follow_ups = follow_ups_for_officer(user).open()
    if programme is not None:
        follow_ups = follow_ups.filter(visit__programme=programme)
    rows = (
        follow_ups.annotate(
            is_overdue=overdue,
            rank=Window(RowNumber(), partition_by=[overdue], order_by=[F("due_on").asc(), F("pk").asc()]),
            kind_count=Window(Count("pk"), partition_by=[overdue]),
        )
        .filter(rank__lte=limit)
        .order_by("due_on", "pk")
    )
    rows = list(rows)
    overdue_rows = [row for row in rows if row.is_overdue]
    later_rows = [row for row in rows if not row.is_overdue]
    return OpenFollowUps(
        overdue=overdue_rows,
        due_later=later_rows,
        overdue_count=overdue_rows[0].kind_count if overdue_rows else 0,
        due_later_count=later_rows[0].kind_count if later_rows else 0,
    )


@dataclass(frozen=True)
class RecentChange:
    history_date: dt.datetime
    history_type: str
    history_change_reason: str | None
    title: str
    user_email: str | None
    kind_label: str


def recent_changes_for_officer(user, *, limit: int = 12, programme=None) -> list[RecentChange]:
    """The latest history records of visits, itinerary items and follow-ups the user may manage (of
    ``programme`` only, when given), in one query.

    Each history table is searched through the visits the officer manages (their ids are
    indexed in every table), not through the whole history ordered by date.
    """
    if not user.is_authenticated:
        return []
    visits = visits_for_officer(user)
    if programme is not None:
        visits = visits.filter(programme=programme)
    visit_ids = None if user.is_superuser and programme is None else visits.values("pk")
    # Each part takes its own newest rows where the database allows it (PostgreSQL; not SQLite).
    per_part = connection.features.supports_slicing_ordering_in_compound
    labels = {}
    parts = []
    for model, visit_field in ((StudyVisit, "id"), (ItineraryItem, "visit_id"), (FollowUp, "visit_id")):
        name = model._meta.model_name
        labels[name] = model._meta.verbose_name
        history = model.history.order_by("-history_date") if per_part else model.history.order_by()
        if visit_ids is not None:
            history = history.filter(**{f"{visit_field}__in": visit_ids})
        fields = ["history_date", "history_type", "history_change_reason", "title", "history_user__email"]
        part = history.annotate(record_kind=Value(name)).values_list(*fields, "record_kind")
        parts.append(part[:limit] if per_part else part)
    rows = parts[0].union(*parts[1:], all=True).order_by("-history_date")[:limit]
    return [RecentChange(*row[:5], kind_label=labels[row[5]]) for row in rows]
