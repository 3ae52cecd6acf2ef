"""What the API answers, typed: the OpenAPI description is generated from these schemas.

Times are ISO 8601 as Python writes them: ``starts_at`` in UTC (``+00:00``) and
``local_starts_at`` in the venue's own zone, named in ``timezone``.
"""

import datetime as dt
from typing import Annotated, Literal

from django.db.models import TextChoices
from django.urls import reverse
from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from delegations.models import DelegationMember, Participant
from outcomes.models import FollowUp
from partners.models import NetworkMembership
from visits.models import ItineraryItem, StudyVisit, TravelLeg

# Written with isoformat() as before the move, not in Django's JSON form (which turns
# +00:00 into Z and drops microseconds), so that clients see the same strings.
IsoDateTime = Annotated[
    dt.datetime,
    PlainSerializer(dt.datetime.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def choice_of(choices: type[TextChoices]):
    """A model's choices, listed where they are used: four of them are called ``Status``,
    and as shared components of the OpenAPI document they would overwrite each other."""
    return Annotated[choices, WithJsonSchema({"type": "string", "enum": list(choices.values)})]


VisitStatus = choice_of(StudyVisit.Status)
ItemKind = choice_of(ItineraryItem.Kind)
ItemStatus = choice_of(ItineraryItem.Status)
LegKind = choice_of(TravelLeg.Kind)
MembershipStatus = choice_of(NetworkMembership.Status)
FollowUpStatus = choice_of(FollowUp.Status)
MemberRole = choice_of(DelegationMember.Role)
MemberStatus = choice_of(DelegationMember.Status)
Profession = choice_of(Participant.Profession)


class Detail(Schema):
    detail: str


class ProgrammeOut(Schema):
    id: int
    name: str
    description: str
    organiser: str
    partner_networks: list[str]

    @staticmethod
    def resolve_organiser(programme) -> str:
        return str(programme.organiser)

    @staticmethod
    def resolve_partner_networks(programme) -> list[str]:
        return [str(network) for network in programme.partner_networks.all()]


class ProgrammeRef(Schema):
    id: int
    name: str


class HostCityOut(Schema):
    name: str
    country: str
    arrives_on: dt.date
    departs_on: dt.date

    @staticmethod
    def resolve_name(stop) -> str:
        return stop.city.name

    @staticmethod
    def resolve_country(stop) -> str:
        return stop.city.country


class VisitOut(Schema):
    id: int
    title: str
    programme: ProgrammeRef
    status: VisitStatus
    starts_on: dt.date
    ends_on: dt.date
    summary: str
    delegation: str | None
    host_cities: list[HostCityOut]
    themes: list[str]
    itinerary: str = Field(description="The URL of the visit's itinerary.")

    @staticmethod
    def resolve_programme(visit) -> dict:
        return {"id": visit.programme_id, "name": visit.programme.name}

    @staticmethod
    def resolve_delegation(visit) -> str | None:
        return visit.delegation.name if visit.delegation_id else None

    @staticmethod
    def resolve_host_cities(visit) -> list:
        return list(visit.stops.all())

    @staticmethod
    def resolve_themes(visit) -> list[str]:
        return [theme.slug for theme in visit.themes.all()]

    @staticmethod
    def resolve_itinerary(visit) -> str:
        return reverse("api:visit_itinerary", args=[visit.pk])


class ItineraryItemOut(Schema):
    id: int
    title: str
    kind: ItemKind
    status: ItemStatus
    city: str
    timezone: str = Field(examples=["America/Chicago"])
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    local_starts_at: IsoDateTime
    local_ends_at: IsoDateTime
    venue: str
    address: str
    hosts: list[str]
    themes: list[str]

    @staticmethod
    def resolve_city(item) -> str:
        return item.city.name

    @staticmethod
    def resolve_timezone(item) -> str:
        return item.city.timezone

    @staticmethod
    def resolve_local_starts_at(item) -> dt.datetime:
        return item.local_start

    @staticmethod
    def resolve_local_ends_at(item) -> dt.datetime:
        return item.local_end

    @staticmethod
    def resolve_hosts(item) -> list[str]:
        return [str(organisation) for organisation in item.host_organisations.all()]

    @staticmethod
    def resolve_themes(item) -> list[str]:
        return [theme.slug for theme in item.themes.all()]


class TravelLegOut(Schema):
    """A leg: the departure in the from-city's zone, the arrival in the to-city's."""

    id: int
    kind: LegKind
    status: ItemStatus
    from_city: str
    from_place: str
    from_timezone: str = Field(examples=["America/Chicago"])
    to_city: str
    to_place: str
    to_timezone: str = Field(examples=["America/New_York"])
    departs_at: IsoDateTime
    arrives_at: IsoDateTime
    local_departs_at: IsoDateTime
    local_arrives_at: IsoDateTime
    carrier: str
    reference: str
    whole_delegation: bool

    @staticmethod
    def resolve_from_city(leg) -> str:
        return leg.from_city.name

    @staticmethod
    def resolve_from_timezone(leg) -> str:
        return leg.from_city.timezone

    @staticmethod
    def resolve_to_city(leg) -> str:
        return leg.to_city.name

    @staticmethod
    def resolve_to_timezone(leg) -> str:
        return leg.to_city.timezone

    @staticmethod
    def resolve_local_departs_at(leg) -> dt.datetime:
        return leg.local_departure

    @staticmethod
    def resolve_local_arrives_at(leg) -> dt.datetime:
        return leg.local_arrival

    @staticmethod
    def resolve_whole_delegation(leg) -> bool:
        return leg.whole_delegation


class ItineraryOut(Schema):
    visit: int
    items: list[ItineraryItemOut]
    legs: list[TravelLegOut] = Field(
        description="Travel legs in time order: an officer gets all, a delegate those they travel on."
    )


class OwnerOut(Schema):
    kind: Literal["participant", "organisation", "city"]
    name: str


class MembershipOut(Schema):
    city: str
    network: str
    status: MembershipStatus
    since: dt.date

    @staticmethod
    def resolve_city(membership) -> str:
        return membership.city.name

    @staticmethod
    def resolve_network(membership) -> str:
        return membership.network.name


class FollowUpOut(Schema):
    id: int
    visit: int
    title: str
    description: str
    owner: OwnerOut
    due_on: dt.date | None
    status: FollowUpStatus
    outcome: str
    themes: list[str]
    resulting_membership: MembershipOut | None

    @staticmethod
    def resolve_visit(follow_up) -> int:
        return follow_up.visit_id

    @staticmethod
    def resolve_owner(follow_up) -> dict:
        if follow_up.owner_city_id:
            kind = "city"
        elif follow_up.owner_participant_id:
            kind = "participant"
        else:
            kind = "organisation"
        return {"kind": kind, "name": str(follow_up.owner)}

    @staticmethod
    def resolve_themes(follow_up) -> list[str]:
        return [theme.slug for theme in follow_up.themes.all()]


class CityRef(Schema):
    id: int
    name: str
    country: str


class OrganisationRef(Schema):
    id: int
    name: str
    acronym: str


class DelegationOut(Schema):
    id: int
    name: str
    head: int | None = Field(description="The participant id of the head of delegation.")
    home_cities: list[CityRef]
    visits: list[int] = Field(description="Ids of the visits it travels on that you manage.")
    members: str = Field(description="The URL of its members.")

    @staticmethod
    def resolve_head(delegation) -> int | None:
        return delegation.head_id

    @staticmethod
    def resolve_home_cities(delegation) -> list:
        return list(delegation.home_cities.all())

    @staticmethod
    def resolve_visits(delegation) -> list[int]:
        return [visit.pk for visit in delegation.visits.all()]

    @staticmethod
    def resolve_members(delegation) -> str:
        return reverse("api:delegation_members", args=[delegation.pk])


class MemberOut(Schema):
    id: int
    delegation: int
    participant: int
    name: str
    role: MemberRole
    head: bool = Field(description="Whether this member is the head of delegation.")
    status: MemberStatus
    invited_at: IsoDateTime | None
    responded_at: IsoDateTime | None

    @staticmethod
    def resolve_delegation(member) -> int:
        return member.delegation_id

    @staticmethod
    def resolve_participant(member) -> int:
        return member.participant_id

    @staticmethod
    def resolve_name(member) -> str:
        return member.participant.full_name

    @staticmethod
    def resolve_head(member) -> bool:
        return member.delegation.head_id == member.participant_id


class ParticipantOut(Schema):
    """A person as the directory holds them; dietary, accessibility and emergency data stay in the portal."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    organisation: OrganisationRef | None
    position: str
    profession: Profession
    home_city: CityRef | None
    preferred_language: str


class ItemNoteOut(Schema):
    id: int
    visit: int
    item: int
    item_title: str
    discussed: str
    met_with: str
    author: str | None = Field(description="The author's email, if their login still exists.")
    created_at: IsoDateTime
    updated_at: IsoDateTime

    @staticmethod
    def resolve_visit(note) -> int:
        return note.item.visit_id

    @staticmethod
    def resolve_item(note) -> int:
        return note.item_id

    @staticmethod
    def resolve_item_title(note) -> str:
        return note.item.title

    @staticmethod
    def resolve_author(note) -> str | None:
        return note.author.email if note.author_id else None


class LessonOut(Schema):
    id: int
    visit: int
    theme: str = Field(description="The theme's slug.")
    item: int | None = Field(description="The itinerary item it was learned at, if any.")
    title: str
    body: str
    author: str | None = Field(description="The author's email, if their login still exists.")
    created_at: IsoDateTime
    updated_at: IsoDateTime

    @staticmethod
    def resolve_visit(lesson) -> int:
        return lesson.visit_id

    @staticmethod
    def resolve_theme(lesson) -> str:
        return lesson.theme.slug

    @staticmethod
    def resolve_item(lesson) -> int | None:
        return lesson.item_id

    @staticmethod
    def resolve_author(lesson) -> str | None:
        return lesson.author.email if lesson.author_id else None
