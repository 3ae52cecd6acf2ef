"""Reads that pages share, with the visibility rules built in.

Admins (superusers) see everything; a programme officer sees the programmes they are
assigned to and everything inside them; a delegate sees only published visits of a
delegation they belong to (and not as declined or withdrawn).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from delegations.models import DelegationMember
from officers import roles
from partners.models import City, Organisation

from .models import ItineraryChange, ItineraryItem, Programme, StudyVisit, Theme, TravelLeg, VisitStop


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
            delegation__members__status__in=DelegationMember.VISIBLE_STATUSES,
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
        delegation__members__status__in=DelegationMember.VISIBLE_STATUSES,
    )
    ids = StudyVisit.objects.filter(officer_visits | delegate_visits).values("pk")
    return StudyVisit.objects.select_related("programme", "delegation").filter(pk__in=ids)


def itinerary_for_visit(visit: StudyVisit, *, hosts=True, themes=True) -> QuerySet[ItineraryItem]:
    """A visit's items in time order, with their cities and (unless a page shows none) hosts and themes."""
    return (
        visit.itinerary_items.select_related("city")
        .prefetch_related(*(["host_organisations"] if hosts else []), *(["themes"] if themes else []))
        .order_by("starts_at", "ends_at", "pk")
    )


def legs_for_visit(visit: StudyVisit, *, travellers=True) -> QuerySet[TravelLeg]:
    """A visit's travel legs in time order, with both cities and (unless a page shows none) the
    members of sub-group legs."""
    legs = visit.legs.select_related("from_city", "to_city").order_by("departs_at", "arrives_at", "pk")
    if travellers:
        legs = legs.prefetch_related(
            Prefetch("members", queryset=DelegationMember.objects.select_related("participant"))
        )
    return legs


def legs_for_participant(visits, participant) -> QuerySet[TravelLeg]:
    """The legs of ``visits`` that ``participant`` travels on: the whole delegation's, and
    those of a sub-group that lists one of their memberships (with ``participant=None``, every
    leg: an officer's view). One query, cities selected."""
    legs = TravelLeg.objects.filter(visit__in=visits)
    if participant is not None:
        theirs = TravelLeg.members.through.objects.filter(
            travelleg=OuterRef("pk"), delegationmember__participant=participant
        )
        legs = legs.filter(Q(whole_delegation=True) | Exists(theirs))
    return legs.select_related("from_city", "to_city").order_by("departs_at", "arrives_at", "pk")


def per_visit(model, aggregate, **filters):
    """A subquery of ``aggregate`` over ``model``'s rows of the outer visit (``visit=OuterRef("pk")``)."""
    rows = model.objects.filter(visit=OuterRef("pk"), **filters).order_by().values("visit")
    value = Subquery(rows.annotate(value=aggregate).values("value"))
    # A visit without such rows has no group: its count is 0, not NULL.
    return Coalesce(value, 0) if isinstance(aggregate, Count) else value


def _table_stamp(model, function: str) -> Subquery:
    # An aggregate over the whole table as a plain function: no GROUP BY, one row.
    return Subquery(model.objects.order_by().values(value=Func(F("pk"), function=function)))


def with_itinerary_stamps(visits: QuerySet[StudyVisit], *, editor=False) -> QuerySet[StudyVisit]:
    """Annotate each visit with what its itinerary's version is made of, in the same query.

    ``items_count`` and ``items_latest`` (latest ``updated_at``), ``legs_count`` and ``legs_latest``
    likewise for travel legs; for the officer's editor, the count and highest id of the
    delegation's members (``member_count``, ``member_last``), ``follow_up_count`` and the count
    and highest id of the cities, organisations and themes its forms offer (``city_count``,
    ``city_last``, ...), so that a new one shows at once.
    A delegate's own stamps are added by ``trips.selectors.with_delegate_stamps``.
    """
    stamps = {
        "items_count": per_visit(ItineraryItem, Count("pk")),
        "items_latest": per_visit(ItineraryItem, Max("updated_at")),
        "legs_count": per_visit(TravelLeg, Count("pk")),
        "legs_latest": per_visit(TravelLeg, Max("updated_at")),
    }
    if editor:
        # The leg form offers the delegation's members: a new one must show at once.
        members = DelegationMember.objects.filter(delegation=OuterRef("delegation")).order_by().values("delegation")
        member_count = Subquery(members.annotate(value=Count("pk")).values("value"))
        stamps["member_count"] = Coalesce(member_count, 0)
        stamps["member_last"] = Subquery(members.annotate(value=Max("pk")).values("value"))
        # Follow-ups belong to outcomes, an app above this one: counted through the reverse
        # relation's model, the one place this app names an upper app's table.
        follow_up = StudyVisit._meta.get_field("follow_ups").related_model
        stamps["follow_up_count"] = per_visit(follow_up, Count("pk"))
        # The change digest waiting (digest_schedule_for_visit) and trips' messages to the
        # delegation (the same reverse-relation exception), so the page asks only when there are some.
        stamps["digest_pending"] = per_visit(ItineraryChange, Count("pk"), digested_at__isnull=True)
        stamps["digest_last"] = per_visit(ItineraryChange, Max("changed_at"), digested_at__isnull=True)
        message = StudyVisit._meta.get_field("delegation_messages").related_model
        stamps["message_count"] = per_visit(message, Count("pk"))
        for model in (City, Organisation, Theme):
            name = model._meta.model_name
            stamps[f"{name}_count"] = _table_stamp(model, "COUNT")
            stamps[f"{name}_last"] = _table_stamp(model, "MAX")
    return visits.annotate(**stamps)


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


class ItineraryDay:
    """One day of a visit's itinerary, in the local time of each item's city."""

    def __init__(self, day: dt.date, items: list):
        self.day = day
        self.items = items


def cities_for_visit(visit: StudyVisit) -> QuerySet[City]:
    """Every city, the visit's host cities first in the order travelled, then the rest by name."""
    if visit.pk is None:
        return City.objects.all()
    stop = VisitStop.objects.filter(visit=visit.pk, city=OuterRef("pk")).order_by("position").values("position")
    return City.objects.annotate(stop_position=Subquery(stop[:1])).order_by(
        F("stop_position").asc(nulls_last=True), "name", "pk"
    )


def cities_in_visit_order(cities: list[City], stops: list[VisitStop]) -> list[City]:
    """``cities`` (by name) in the order of ``cities_for_visit``, from the visit's ``stops`` already fetched."""
    first_position = {}
    for stop in sorted(stops, key=lambda stop: stop.position):
        first_position.setdefault(stop.city_id, stop.position)
    # A stable sort: the cities of no stop keep their order by name, after the host cities.
    return sorted(cities, key=lambda city: (city.pk not in first_position, first_position.get(city.pk, 0)))


def itinerary_days(
    visit: StudyVisit,
    items: list[ItineraryItem],
    legs: list[TravelLeg] = (),
    *,
    host_city_ids: set[int] | None = None,
) -> list[ItineraryDay]:
    """Items and legs in time order, grouped by the local day they start on, each marked with
    ``overlaps`` (others at the same time, cancelled ones aside), ``outside_visit`` (a local
    date beyond the visit's) and, given the host cities, ``off_route`` (an item in a city that
    is none of them; a leg to or from one is normal); ``is_leg`` tells them apart."""
    entries = sorted([*items, *legs], key=lambda entry: (entry.starts_at, entry.ends_at, entry.is_leg, entry.pk))
    active = [entry for entry in entries if entry.status != ItineraryItem.Status.CANCELLED]
    for entry in entries:
        entry.overlaps = [
            other
            for other in active
            if other is not entry
            and entry.status != ItineraryItem.Status.CANCELLED
            and other.starts_at < entry.ends_at
            and entry.starts_at < other.ends_at
        ]
        entry.outside_visit = entry.local_start.date() < visit.starts_on or entry.local_end.date() > visit.ends_on
        entry.off_route = bool(host_city_ids) and not entry.is_leg and entry.city_id not in host_city_ids
    days = []
    for entry in entries:
        day = entry.local_start.date()
        if not days or days[-1].day != day:
            days.append(ItineraryDay(day, []))
        days[-1].items.append(entry)
    return days


@dataclass(frozen=True)
class DigestSchedule:
    """A published visit's change digest: how many changes wait, and when they go (or that nothing will send them)."""

    pending: int
    last_change_at: dt.datetime | None
    due_at: dt.datetime | None
    # A scheduler (Celery beat) runs in this deployment: settings.SCHEDULED_TASKS_RUN.
    scheduled: bool

    @property
    def quiet_minutes(self) -> float:
        return settings.ITINERARY_DIGEST_QUIET_MINUTES

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at <= timezone.now()


def digest_schedule_for_visit(visit: StudyVisit) -> DigestSchedule:
    """The itinerary changes not yet told in a digest, and when beat will send them: once the latest
    is ``ITINERARY_DIGEST_QUIET_MINUTES`` old (beat looks every minute). No query on a visit from
    ``with_itinerary_stamps(..., editor=True)``, one otherwise."""
    if hasattr(visit, "digest_pending"):
        return _digest_schedule(visit.digest_pending, visit.digest_last)
    pending = visit.itinerary_changes.filter(digested_at__isnull=True).aggregate(
        count=Count("pk"), last=Max("changed_at")
    )
    return _digest_schedule(pending["count"], pending["last"])


def _digest_schedule(pending: int, last: dt.datetime | None) -> DigestSchedule:
    due = last + dt.timedelta(minutes=settings.ITINERARY_DIGEST_QUIET_MINUTES) if last else None
    return DigestSchedule(pending, last, due, scheduled=settings.SCHEDULED_TASKS_RUN)
