"""Reads for a delegate's pages and calendar feed: their visits, co-delegates, own travel and hotels,
the contacts sheet; where the itinerary has each delegate now, and the officer's check-in board."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext as _

from delegations.models import DelegationMember, Participant
from delegations.tokens import token_hash
from notifications.selectors import address_bounces
from partners.models import City
from visits.models import ItineraryChange, ItineraryItem, StudyVisit, TravelLeg
from visits.selectors import itinerary_for_visit, legs_for_visit, per_visit, with_itinerary_stamps

from .models import (
    Accommodation,
    CalendarFeedToken,
    CheckIn,
    CheckInLink,
    CheckInRequest,
    DelegationMessage,
    ItineraryLastSeen,
    PersonalTravel,
)


def visits_for_participant(participant) -> QuerySet[StudyVisit]:
    """Published (or completed) visits whose delegation lists the participant as invited or confirmed."""
    return (
        StudyVisit.objects.select_related("programme", "delegation")
        .filter(
            status__in=[StudyVisit.Status.PUBLISHED, StudyVisit.Status.COMPLETED],
            delegation__members__participant=participant,
            delegation__members__status__in=DelegationMember.VISIBLE_STATUSES,
        )
        .distinct()
    )


def co_delegates_for_visit(visit: StudyVisit) -> QuerySet[DelegationMember]:
    """The visit's invited and confirmed members, with what a delegate may see of them."""
    if visit.delegation_id is None:
        return DelegationMember.objects.none()
    return (
        DelegationMember.objects.visible_to_delegates()
        .filter(delegation_id=visit.delegation_id)
        .select_related("participant__organisation")
        .order_by("participant__last_name", "participant__first_name")
    )


def personal_travel_for(visit: StudyVisit, participant) -> QuerySet[PersonalTravel]:
    return PersonalTravel.objects.filter(visit=visit, participant=participant).order_by("departs_at", "pk")


def accommodations_for(visit: StudyVisit, participant) -> QuerySet[Accommodation]:
    return Accommodation.objects.filter(visit=visit, participant=participant).select_related("city")


@dataclass
class Venue:
    """One place of the itinerary, with the programme's entries held there."""

    name: str
    address: str
    city: City
    items: list[ItineraryItem] = field(default_factory=list)


@dataclass
class VisitContacts:
    """Who and where a delegate may need to reach on the road (``contacts_for_delegate``)."""

    officers: list
    head: Participant | None
    venues: list[Venue]
    stays: list[Accommodation]


def contacts_for_delegate(visit: StudyVisit, participant) -> VisitContacts:
    """The contacts sheet of ``visit`` (fetched by the caller through ``visits_for_delegate``):
    the programme's officers, the delegation's head (with its organisation, best selected with the
    visit), each place of the itinerary (cancelled entries left out) and the person's own hotels.
    Three queries whatever the sizes."""
    officers = list(visit.programme.officers.order_by("last_name", "first_name", "email"))
    head = visit.delegation.head if visit.delegation_id is not None else None
    venues: dict[tuple, Venue] = {}
    items = (
        visit.itinerary_items.exclude(status=ItineraryItem.Status.CANCELLED)
        .select_related("city")
        .order_by("starts_at", "ends_at", "pk")
    )
    for item in items:
        name, address = item.venue.strip(), item.address.strip()
        if not (name or address):
            continue
        key = (name.casefold(), address.casefold(), item.city_id)
        venues.setdefault(key, Venue(name, address, item.city)).items.append(item)
    return VisitContacts(
        officers=officers,
        head=head,
        venues=list(venues.values()),
        stays=list(accommodations_for(visit, participant)),
    )


def feed_link_for_token(token: str) -> CalendarFeedToken | None:
    """The calendar feed link that carries ``token``, active or revoked (``revoked_at``), or ``None``."""
    return CalendarFeedToken.objects.select_related("participant").filter(token_hash=token_hash(token)).first()


def with_delegate_stamps(visits: QuerySet[StudyVisit], *, participant) -> QuerySet[StudyVisit]:
    """The itinerary's stamps (``visits.selectors.with_itinerary_stamps``) plus the participant's own:
    the count and latest change of their travel and stays (``travel_count``, ``stays_latest``, ...)
    and their last look (``last_seen_at``, ``changes_first_seen``), in the same query."""
    seen = ItineraryLastSeen.objects.filter(visit=OuterRef("pk"), participant=participant)
    stamps = {
        "last_seen_at": Subquery(seen.values("seen_at")[:1]),
        "changes_first_seen": Subquery(seen.values("changes_first_seen")[:1]),
    }
    for name, model in (("travel", PersonalTravel), ("stays", Accommodation)):
        stamps[f"{name}_count"] = per_visit(model, Count("pk"), participant=participant)
        stamps[f"{name}_latest"] = per_visit(model, Max("updated_at"), participant=participant)
    return with_itinerary_stamps(visits).annotate(**stamps)


def with_delegate_counts(visits: QuerySet[StudyVisit], *, participant) -> QuerySet[StudyVisit]:
    """The counts alone of ``with_delegate_stamps`` (``items_count``, ``legs_count``, ``travel_count``,
    ``stays_count``), for a page that shows no last look: reading it would make the page cache
    drop the page at every delegate's look at their itinerary."""
    return visits.annotate(
        items_count=per_visit(ItineraryItem, Count("pk")),
        legs_count=per_visit(TravelLeg, Count("pk")),
        travel_count=per_visit(PersonalTravel, Count("pk"), participant=participant),
        stays_count=per_visit(Accommodation, Count("pk"), participant=participant),
    )


def unless_counted_none(rows: QuerySet, visit: StudyVisit, count: str) -> QuerySet:
    """``rows``, or none without a query when the visit's stamps (``with_delegate_stamps`` or
    ``with_delegate_counts``: ``legs_count``, ``travel_count``, ...) already counted none of them."""
    return rows.none() if getattr(visit, count, None) == 0 else rows


# How long a change stays marked on the delegate's page after they first saw it: a traveller
# glances at the page between meetings, reloads it on the coach, opens it the next morning;
# two days covers that, and a change older than that is part of the programme they know.
CHANGE_MARK_FOR = dt.timedelta(hours=48)


def changes_still_marked(first_seen: dict, *, now: dt.datetime) -> list[int]:
    """The ids in ``ItineraryLastSeen.changes_first_seen`` first seen less than ``CHANGE_MARK_FOR`` ago."""
    return [
        int(pk) for pk, (seen, _before) in first_seen.items() if now - dt.datetime.fromisoformat(seen) < CHANGE_MARK_FOR
    ]


def change_marks_for_look(
    visit: StudyVisit, *, last_seen: dt.datetime | None, first_seen: dict, latest_change: dt.datetime | None, now
) -> list[ItineraryChange]:
    """The recorded changes (``visits.ItineraryChange``) to mark on the delegate's page now, oldest first.

    Those made since their last look, and those they first saw less than ``CHANGE_MARK_FOR``
    ago; removals are left out (the entry is gone). Nothing on a first look, and no query when
    neither kind can exist: the page opened again with nothing new costs nothing more.
    """
    if last_seen is None:
        return []
    marked = changes_still_marked(first_seen or {}, now=now)
    fresh = latest_change is not None and latest_change > last_seen
    if not marked and not fresh:
        return []
    which = Q(pk__in=marked)
    if fresh:
        which |= Q(changed_at__gt=last_seen)
    changes = ItineraryChange.objects.filter(visit=visit).filter(which).exclude(action=ItineraryChange.Action.DELETED)
    return list(changes.order_by("changed_at", "pk"))


@dataclass(frozen=True)
class WhereNow:
    """Where the itinerary has a delegate: a place to show, and its city when one is known."""

    place: str
    city: City | None = None
    since: dt.datetime | None = None
    travelling: bool = False


def where_now_for_visit(visit: StudyVisit, participants, *, now: dt.datetime) -> dict[int, WhereNow]:
    """Where the itinerary has each participant at ``now``, by participant id.

    Their current or last entry: the visit's latest started item (not cancelled, from
    ``itinerary_for_visit``), group leg they travel on (``legs_for_visit``: the whole
    delegation's or their sub-group's) or own travel leg, whichever started last. A leg under
    way puts them between its two places; a group leg that has arrived, in its to-city; their
    own, at its arrival place, in the host city that place names. Before any entry they are at
    home. Five queries whatever the number of participants.
    """
    participants = list(participants)
    item = (
        itinerary_for_visit(visit)
        .prefetch_related(None)
        .exclude(status=ItineraryItem.Status.CANCELLED)
        .filter(starts_at__lte=now)
        .order_by("-starts_at", "-pk")
        .first()
    )
    cities = [stop.city for stop in visit.stops.select_related("city")]
    legs = {}
    for leg in PersonalTravel.objects.filter(
        visit=visit, participant__in=[p.pk for p in participants], departs_at__lte=now
    ).order_by("departs_at", "pk"):
        legs[leg.participant_id] = leg  # the latest started leg wins
    group_legs = list(
        legs_for_visit(visit).exclude(status=TravelLeg.Status.CANCELLED).filter(departs_at__lte=now).reverse()
    )
    where = {}
    for participant in participants:
        group_leg = next(
            (
                candidate
                for candidate in group_legs
                if candidate.whole_delegation
                or any(member.participant_id == participant.pk for member in candidate.members.all())
            ),
            None,
        )
        leg = legs.get(participant.pk)
        starts = [entry.departs_at for entry in (leg, group_leg) if entry is not None]
        latest_start = max([*starts, item.starts_at] if item is not None else starts, default=None)
        if group_leg is not None and group_leg.departs_at == latest_start:
            if group_leg.arrives_at > now:
                where[participant.pk] = WhereNow(
                    f"{group_leg.from_city.name} → {group_leg.to_city.name}",
                    None,
                    group_leg.departs_at,
                    travelling=True,
                )
            else:
                where[participant.pk] = WhereNow(group_leg.to_city.name, group_leg.to_city, group_leg.arrives_at)
        elif leg is not None and leg.departs_at == latest_start:
            if leg.arrives_at > now:
                where[participant.pk] = WhereNow(
                    f"{leg.departure_place} → {leg.arrival_place}", None, leg.departs_at, travelling=True
                )
            else:
                city = next((c for c in cities if c.name.casefold() in leg.arrival_place.casefold()), None)
                where[participant.pk] = WhereNow(leg.arrival_place, city, leg.arrives_at)
        elif item is not None:
            where[participant.pk] = WhereNow(item.city.name, item.city, item.starts_at)
        elif participant.home_city_id:
            where[participant.pk] = WhereNow(participant.home_city.name, participant.home_city)
        else:
            where[participant.pk] = WhereNow("")
    return where


@dataclass
class BoardRow:
    participant: object
    member: DelegationMember
    where: WhereNow
    check_in: CheckIn | None  # their latest answer since the latest request (any, without a request)

    @property
    def answer(self) -> str:
        return self.check_in.status if self.check_in else "none"


def check_in_board_for_visit(visit: StudyVisit, *, now: dt.datetime) -> tuple[CheckInRequest | None, list[BoardRow]]:
    """The officer's board: each invited or confirmed member, where the itinerary has them now, and
    their latest answer since the latest request; needs help first, then no answer, then safe."""
    latest_request = visit.check_in_requests.select_related("city", "by").first()
    members = list(co_delegates_for_visit(visit).select_related("participant__home_city"))
    where = where_now_for_visit(visit, [m.participant for m in members], now=now)
    check_ins = CheckIn.objects.filter(visit=visit).order_by("-created_at", "-pk")
    if latest_request is not None:
        check_ins = check_ins.filter(created_at__gte=latest_request.created_at)
    latest = {}
    for check_in in check_ins:
        latest.setdefault(check_in.participant_id, check_in)
    rows = [BoardRow(m.participant, m, where[m.participant_id], latest.get(m.participant_id)) for m in members]
    order = {CheckIn.Status.NEEDS_HELP: 0, "none": 1, CheckIn.Status.SAFE: 2}
    rows.sort(key=lambda row: order[row.answer])
    return latest_request, rows


class CheckInLinkState:
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"


def check_in_link_for_token(token: str) -> CheckInLink | None:
    """The check-in link that carries ``token`` (any state), or ``None``."""
    return (
        CheckInLink.objects.select_related("request__visit", "participant").filter(token_hash=token_hash(token)).first()
    )


def check_in_link_state(link: CheckInLink, *, now: dt.datetime) -> str:
    if link.used_at is not None:
        return CheckInLinkState.USED
    if link.request.expires_at <= now:
        return CheckInLinkState.EXPIRED
    return CheckInLinkState.VALID


def current_visit_for_delegate(visits: QuerySet[StudyVisit], *, today: dt.date) -> StudyVisit | None:
    """The delegate's visit under way today, else the next one, else the latest."""
    visits = visits.order_by("starts_on", "pk")
    return (
        visits.filter(starts_on__lte=today, ends_on__gte=today).first()
        or visits.filter(starts_on__gt=today).first()
        or visits.order_by("-ends_on", "-pk").first()
    )


@dataclass(frozen=True)
class MessageRecipient:
    """A member a message to the delegation is addressed to; ``skipped`` says why it will not go."""

    member: DelegationMember
    where: WhereNow | None = None
    skipped: str = ""

    @property
    def participant(self):
        return self.member.participant


def delegation_message_audience(
    visit: StudyVisit, *, audience: str, role: str = "", city: City | None = None, now: dt.datetime
) -> list[MessageRecipient]:
    """The invited and confirmed members a message to the delegation is for: all, the confirmed, those
    of one role, or those the itinerary puts in ``city`` at ``now`` (``where_now_for_visit``). A member
    without an address, or whose address bounced for good, is listed with why it is skipped."""
    members = co_delegates_for_visit(visit).select_related("participant__home_city")
    if audience == DelegationMessage.Audience.CONFIRMED:
        members = members.filter(status=DelegationMember.Status.CONFIRMED)
    elif audience == DelegationMessage.Audience.ROLE:
        members = members.filter(role=role)
    members = list(members)
    where = {}
    if audience == DelegationMessage.Audience.CITY:
        where = where_now_for_visit(visit, [member.participant for member in members], now=now)
        members = [
            member
            for member in members
            if city is not None
            and where[member.participant_id].city is not None
            and where[member.participant_id].city.pk == city.pk
        ]
    bounces = address_bounces(member.participant.email for member in members)
    recipients = []
    for member in members:
        email = member.participant.email.strip().lower()
        skipped = ""
        if not email:
            skipped = _("no email address")
        elif email in bounces:
            skipped = _("the address bounced on %(date)s") % {"date": bounces[email].bounced_at.date().isoformat()}
        recipients.append(MessageRecipient(member, where.get(member.participant_id), skipped))
    return recipients
