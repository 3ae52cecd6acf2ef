"""Reads that pages share, with the visibility rules built in.

Admins (superusers) see everything; a programme officer sees the programmes they are
assigned to and everything inside them; a delegate sees only published visits of a
delegation they belong to (and not as declined or withdrawn).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from cityexchange import roles
from delegations.models import DelegationMember
from delegations.tokens import token_hash
from partners.models import City, Organisation

from .models import (
    Accommodation,
    CalendarFeedToken,
    FollowUp,
    ItineraryItem,
    ItineraryLastSeen,
    PersonalTravel,
    Programme,
    StudyVisit,
    Theme,
)

VISIBLE_MEMBER_STATUSES = (DelegationMember.Status.INVITED, DelegationMember.Status.CONFIRMED)


def is_officer(user) -> bool:
    return roles.is_officer(user)


def programmes_for_officer(user) -> QuerySet[Programme]:
    """Programmes the user may manage."""
    if not user.is_authenticated:
        return Programme.objects.none()
    programmes = Programme.objects.select_related("organiser")
    if user.is_superuser:
        return programmes
    return programmes.filter(officers=user)


def visits_for_officer(user) -> QuerySet[StudyVisit]:
    """Visits of the programmes the user may manage, drafts included."""
    if not user.is_authenticated:
        return StudyVisit.objects.none()
    visits = StudyVisit.objects.select_related("programme", "delegation")
    if user.is_superuser:
        return visits
    return visits.filter(programme__officers=user)


def visits_for_delegate(user) -> QuerySet[StudyVisit]:
    """Published (or completed) visits whose delegation lists the user as invited or confirmed."""
    if not user.is_authenticated:
        return StudyVisit.objects.none()
    return (
        StudyVisit.objects.select_related("programme", "delegation")
        .filter(
            status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
            delegation__members__participant__user=user,
            delegation__members__status__in=VISIBLE_MEMBER_STATUSES,
        )
        .distinct()
    )


def visits_for_user(user) -> QuerySet[StudyVisit]:
    """Every visit the user may read: as an officer, or as a delegate."""
    if not user.is_authenticated:
        return StudyVisit.objects.none()
    if user.is_superuser:
        return StudyVisit.objects.select_related("programme", "delegation")
    officer_visits = Q(programme__officers=user)
    delegate_visits = Q(
        status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
        delegation__members__participant__user=user,
        delegation__members__status__in=VISIBLE_MEMBER_STATUSES,
    )
    ids = StudyVisit.objects.filter(officer_visits | delegate_visits).values("pk")
    return StudyVisit.objects.select_related("programme", "delegation").filter(pk__in=ids)


def itinerary_for_visit(visit: StudyVisit) -> QuerySet[ItineraryItem]:
    """A visit's items in time order, with what a page shows of each."""
    return (
        visit.itinerary_items.select_related("city")
        .prefetch_related("host_organisations", "themes")
        .order_by("starts_at", "ends_at", "pk")
    )


def _per_visit(model, aggregate, **filters):
    rows = model.objects.filter(visit=OuterRef("pk"), **filters).order_by().values("visit")
    value = Subquery(rows.annotate(value=aggregate).values("value"))
    # A visit without such rows has no group: its count is 0, not NULL.
    return Coalesce(value, 0) if isinstance(aggregate, Count) else value


def _table_stamp(model, function: str) -> Subquery:
    # An aggregate over the whole table as a plain function: no GROUP BY, one row.
    return Subquery(model.objects.order_by().values(value=Func(F("pk"), function=function)))


def with_itinerary_stamps(visits: QuerySet[StudyVisit], *, participant=None, editor=False) -> QuerySet[StudyVisit]:
    """Annotate each visit with what its itinerary's version is made of, in the same query.

    ``items_count`` and ``items_latest`` (latest ``updated_at``); with a participant, also the
    count and latest change of their own travel and stays there, and their last look
    (``last_seen_at``); for the officer's editor,
    ``follow_up_count`` and the count and highest id of the cities, organisations and themes
    its forms offer (``city_count``, ``city_last``, ...), so that a new one shows at once.
    """
    stamps = {
        "items_count": _per_visit(ItineraryItem, Count("pk")),
        "items_latest": _per_visit(ItineraryItem, Max("updated_at")),
    }
    if editor:
        stamps["follow_up_count"] = _per_visit(FollowUp, Count("pk"))
        for model in (City, Organisation, Theme):
            name = model._meta.model_name
            stamps[f"{name}_count"] = _table_stamp(model, "COUNT")
            stamps[f"{name}_last"] = _table_stamp(model, "MAX")
    if participant is not None:
        seen = ItineraryLastSeen.objects.filter(visit=OuterRef("pk"), participant=participant).values("seen_at")
        stamps["last_seen_at"] = Subquery(seen[:1])
        for name, model in (("travel", PersonalTravel), ("stays", Accommodation)):
            stamps[f"{name}_count"] = _per_visit(model, Count("pk"), participant=participant)
            stamps[f"{name}_latest"] = _per_visit(model, Max("updated_at"), participant=participant)
    return visits.annotate(**stamps)


def visits_for_participant(participant) -> QuerySet[StudyVisit]:
    """Published (or completed) visits whose delegation lists the participant as invited or confirmed."""
    return (
        StudyVisit.objects.select_related("programme", "delegation")
        .filter(
            status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
            delegation__members__participant=participant,
            delegation__members__status__in=VISIBLE_MEMBER_STATUSES,
        )
        .distinct()
    )


def co_delegates_for_visit(visit: StudyVisit) -> QuerySet[DelegationMember]:
    """The visit's invited and confirmed members, with what a delegate may see of them."""
    if visit.delegation_id is None:
        return DelegationMember.objects.none()
    return (
        DelegationMember.objects.filter(delegation_id=visit.delegation_id, status__in=VISIBLE_MEMBER_STATUSES)
        .select_related("participant__organisation")
        .order_by("participant__last_name", "participant__first_name")
    )


def personal_travel_for(visit: StudyVisit, participant) -> QuerySet[PersonalTravel]:
    return PersonalTravel.objects.filter(visit=visit, participant=participant).order_by("departs_at", "pk")


def accommodations_for(visit: StudyVisit, participant) -> QuerySet[Accommodation]:
    return Accommodation.objects.filter(visit=visit, participant=participant).select_related("city")


def feed_participant_for_token(token: str):
    """The participant whose active calendar feed link carries ``token``, or ``None``."""
    feed = (
        CalendarFeedToken.objects.select_related("participant")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    return feed.participant if feed else None


def members_for_officer(user) -> QuerySet[DelegationMember]:
    """Delegation members travelling on a visit of a programme the user manages."""
    if not user.is_authenticated:
        return DelegationMember.objects.none()
    members = DelegationMember.objects.select_related("participant", "delegation")
    if user.is_superuser:
        return members
    delegation_ids = StudyVisit.objects.filter(programme__officers=user).values("delegation_id")
    return members.filter(delegation_id__in=delegation_ids)


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


def open_follow_ups_for_officer(user, *, today: dt.date, limit: int = 20) -> tuple[list, list]:
    """The first ``limit`` overdue and the first ``limit`` other open follow-ups, by due date, in one query."""
    overdue = Case(When(due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
    rows = (
        follow_ups_for_officer(user)
        .filter(status__in=[FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS])
        .annotate(
            is_overdue=overdue,
            rank=Window(RowNumber(), partition_by=[overdue], order_by=[F("due_on").asc(), F("pk").asc()]),
        )
        .filter(rank__lte=limit)
        .order_by("due_on", "pk")
    )
    rows = list(rows)
    return [row for row in rows if row.is_overdue], [row for row in rows if not row.is_overdue]


def themes_for_officer(user) -> QuerySet[Theme]:
    """Themes are shared by all programmes: every officer may see and edit them."""
    return Theme.objects.all() if is_officer(user) else Theme.objects.none()


def current_visits_for_officer(user, *, today: dt.date) -> QuerySet[StudyVisit]:
    """Drafts and published visits of the user's programmes that have not ended, soonest first."""
    return (
        visits_for_officer(user)
        .filter(ends_on__gte=today, status__in=[StudyVisit.Status.DRAFT, StudyVisit.Status.PUBLISHED])
        .order_by("starts_on", "title")
    )


@dataclass(frozen=True)
class RecentChange:
    history_date: dt.datetime
    history_type: str
    history_change_reason: str | None
    title: str
    user_email: str | None
    kind_label: str


def recent_changes_for_officer(user, *, limit: int = 12) -> list[RecentChange]:
    """The latest history records of visits, itinerary items and follow-ups the user may manage, in one query.

    Each history table is searched through the visits the officer manages (their ids are
    indexed in every table), not through the whole history ordered by date.
    """
    if not user.is_authenticated:
        return []
    visit_ids = None if user.is_superuser else visits_for_officer(user).values("pk")
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


class ItineraryDay:
    """One day of a visit's itinerary, in the local time of each item's city."""

    def __init__(self, day: dt.date, items: list):
        self.day = day
        self.items = items


def itinerary_days(visit: StudyVisit, items: list[ItineraryItem]) -> list[ItineraryDay]:
    """Group items by local day and mark each with ``overlaps`` (other items at the same
    time, cancelled ones aside) and ``outside_visit`` (a local date beyond the visit's)."""
    active = [item for item in items if item.status != ItineraryItem.Status.CANCELLED]
    for item in items:
        item.overlaps = [
            other
            for other in active
            if other is not item
            and item.status != ItineraryItem.Status.CANCELLED
            and other.starts_at < item.ends_at
            and item.starts_at < other.ends_at
        ]
        item.outside_visit = item.local_start.date() < visit.starts_on or item.local_end.date() > visit.ends_on
    days = []
    for item in items:
        day = item.local_start.date()
        if not days or days[-1].day != day:
            days.append(ItineraryDay(day, []))
        days[-1].items.append(item)
    return days
