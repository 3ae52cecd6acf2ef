"""A world for the attacker's tests: one officer's programme with every kind of object in it,
and the people who must not reach it (another programme's officer, another visit's delegate,
a signed-in outsider)."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from api.services import api_token_create
from delegations.models import Invitation
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from delegations.tokens import token_new
from notifications.models import Notification
from outcomes.tests.factories import FollowUpFactory, ItemNoteFactory, LessonFactory
from partners.tests.factories import CityFactory, NetworkMembershipFactory, OrganisationFactory
from trips.models import Accommodation, CheckIn, CheckInLink, CheckInRequest, InvitationLetterTemplate, PersonalTravel
from trips.services import calendar_feed_token_create
from visits.tests.factories import (
    ItineraryItemFactory,
    PublishedVisitFactory,
    ThemeFactory,
    TravelLegFactory,
    VisitStopFactory,
)

PASSWORD = "Lantern-Quarry-41"


@dataclass
class World:
    officer: object
    other_officer: object
    delegate: object
    other_delegate: object
    outsider: object
    visit: object
    other_visit: object
    member: object
    item: object
    leg: object
    stop: object
    follow_up: object
    note: object
    lesson: object
    travel: object
    stay: object
    notification: object
    city: object
    organisation: object
    membership: object
    theme: object
    feed_token: str
    invitation_token: str
    check_in_token: str
    api_token: object = None


def user_with_email(email: str):
    return get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)


def build_world() -> World:
    officer, other_officer = user_with_email("officer@example.org"), user_with_email("other-officer@example.org")
    delegate, other_delegate = user_with_email("delegate@example.org"), user_with_email("other-delegate@example.org")
    outsider = user_with_email("outsider@example.org")
    city = CityFactory(name="Nashville", country="US", timezone="America/Chicago")

    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    visit.programme.officers.add(officer)
    participant = ParticipantFactory(user=delegate, email="delegate@example.org")
    member = DelegationMemberFactory(delegation=visit.delegation, participant=participant)

    other_visit = PublishedVisitFactory(title="Somewhere else")
    other_visit.programme.officers.add(other_officer)
    DelegationMemberFactory(
        delegation=other_visit.delegation, participant=ParticipantFactory(user=other_delegate, email="o@example.org")
    )

    item = ItineraryItemFactory(visit=visit, city=city, starts_at=dt.datetime(2019, 11, 4, 15, tzinfo=dt.UTC))
    stop = VisitStopFactory(visit=visit, city=city)
    theme = ThemeFactory()
    travel = PersonalTravel.objects.create(
        visit=visit,
        participant=participant,
        direction=PersonalTravel.Direction.ARRIVAL,
        departure_place="Brussels",
        departure_timezone="Europe/Brussels",
        departs_at=dt.datetime(2019, 11, 3, 9, tzinfo=dt.UTC),
        arrival_place="Nashville",
        arrival_timezone="America/Chicago",
        arrives_at=dt.datetime(2019, 11, 3, 20, tzinfo=dt.UTC),
    )
    stay = Accommodation.objects.create(
        visit=visit,
        participant=participant,
        name="Hotel",
        city=city,
        check_in=dt.date(2019, 11, 3),
        check_out=dt.date(2019, 11, 6),
    )
    InvitationLetterTemplate.objects.create(
        programme=visit.programme, language="en", subject="Invitation", body="Dear {participant_name}"
    )
    notification = Notification.objects.create(
        key="sweep:1",
        kind="visit_reminder",
        to_email="delegate@example.org",
        subject="Reminder",
        body_text="Soon.",
        status=Notification.Status.SENT,
        sent_at=dt.datetime(2019, 10, 1, tzinfo=dt.UTC),
        about=visit,
    )
    _feed, feed_token = calendar_feed_token_create(participant, by=officer)
    invitation_token, hashed = token_new()
    Invitation.objects.create(
        member=member, token_hash=hashed, sent_by=officer, expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    )
    check_in_token, hashed = token_new()
    CheckInLink.objects.create(
        request=CheckInRequest.objects.create(
            visit=visit, by=officer, expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        ),
        participant=participant,
        token_hash=hashed,
    )
    CheckIn.objects.create(visit=visit, participant=participant, status=CheckIn.Status.SAFE, place="Nashville")
    return World(
        officer=officer,
        other_officer=other_officer,
        delegate=delegate,
        other_delegate=other_delegate,
        outsider=outsider,
        visit=visit,
        other_visit=other_visit,
        member=member,
        item=item,
        leg=TravelLegFactory(visit=visit, from_city=city),
        stop=stop,
        follow_up=FollowUpFactory(visit=visit, owner_city=city),
        note=ItemNoteFactory(item=item, author=delegate),
        lesson=LessonFactory(visit=visit, theme=theme, author=delegate),
        travel=travel,
        stay=stay,
        notification=notification,
        city=city,
        organisation=OrganisationFactory(city=city),
        membership=NetworkMembershipFactory(city=city),
        theme=theme,
        feed_token=feed_token,
        invitation_token=invitation_token,
        check_in_token=check_in_token,
        api_token=api_token_create(officer, name="Reporting sheet")[0],
    )


def pending_import(world: World) -> tuple[str, Client]:
    """A real pending import of the officer's, so the preview and confirm URLs have a live token."""
    client = Client()
    client.force_login(world.officer)
    upload = csv_upload(b"First name,Last name,Email\nAna,Lopez,ana@example.org\n")
    response = client.post(reverse("spreadsheets:import_upload", args=[world.visit.delegation_id]), {"file": upload})
    assert response.status_code == 302, response
    return response["Location"].rstrip("/").split("/")[-1], client


def csv_upload(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")
