"""Officers write to a visit's delegation: recipients (all, confirmed, by role, by the city the
itinerary puts them in now), one text per language with a fallback, a preview that sends nothing,
and a send that writes one outbox row per recipient and a record of who sent what to how many."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delegations.models import DelegationMember
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import BouncedAddress, Notification
from partners.tests.factories import CityFactory
from trips.models import DelegationMessage
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, VisitStopFactory

pytestmark = pytest.mark.django_db

ROLE, STATUS = DelegationMember.Role, DelegationMember.Status
TEXTS = {
    "subject_en": "Coach leaves early",
    "body_en": "The coach leaves at 07:30 tomorrow.",
    "subject_fr": "Le car part plus tôt",
    "body_fr": "Le car part demain à 7 h 30.",
}


@pytest.fixture
def world():
    officer = get_user_model().objects.create_user(
        username="o@example.org", email="o@example.org", password="x", first_name="Olga", last_name="Officer"
    )
    now = timezone.now()
    visit = PublishedVisitFactory(
        title="Belgians in Tennessee",
        starts_on=now.date() - dt.timedelta(days=1),
        ends_on=now.date() + dt.timedelta(days=3),
    )
    visit.programme.officers.add(officer)
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    washington = CityFactory(name="Washington", country="US", timezone="America/New_York")
    VisitStopFactory(visit=visit, city=nashville)
    VisitStopFactory(visit=visit, city=washington, position=2)
    # The itinerary has everyone in Washington now.
    ItineraryItemFactory(visit=visit, city=washington, starts_at=now - dt.timedelta(hours=1))
    people = {}
    for first, language, role, status, email in [
        ("Camille", "fr", ROLE.MEMBER, STATUS.CONFIRMED, "camille@example.org"),
        ("Ann", "en", ROLE.EXPERT, STATUS.CONFIRMED, "ann@example.org"),
        ("Ines", "fr", ROLE.INTERPRETER, STATUS.INVITED, "ines@example.org"),
        ("Noe", "en", ROLE.MEMBER, STATUS.CONFIRMED, ""),
        ("Dora", "en", ROLE.MEMBER, STATUS.DECLINED, "dora@example.org"),
    ]:
        participant = ParticipantFactory(first_name=first, last_name="Test", preferred_language=language, email=email)
        people[first] = DelegationMemberFactory(
            delegation=visit.delegation, participant=participant, role=role, status=status
        )
    return {"officer": officer, "visit": visit, "people": people, "nashville": nashville, "washington": washington}


def _client(world) -> Client:
    client = Client()
    client.force_login(world["officer"])
    return client


def _compose(world, **data):
    return _client(world).post(reverse("delegation_messages:compose", args=[world["visit"].pk]), data)


def _recipients(response) -> list[tuple[str, str]]:
    return [(r.participant.first_name, language) for r, language in response.context["plan"].recipients]


@pytest.mark.parametrize(
    ("audience", "extra", "expected"),
    [
        ("all", {}, [("Ann", "en"), ("Camille", "fr"), ("Ines", "fr")]),
        ("confirmed", {}, [("Ann", "en"), ("Camille", "fr")]),
        ("role", {"role": "interpreter"}, [("Ines", "fr")]),
    ],
)
def test_preview_lists_the_chosen_recipients_with_their_language_and_sends_nothing(world, audience, extra, expected):
    response = _compose(world, action="preview", audience=audience, **extra, **TEXTS)

    assert response.status_code == 200
    assert _recipients(response) == expected
    assert (Notification.objects.count(), DelegationMessage.objects.count()) == (0, 0)


def test_preview_by_city_reads_where_the_itinerary_has_them_now(world):
    in_washington = _compose(world, action="preview", audience="city", city=world["washington"].pk, **TEXTS)
    in_nashville = _compose(world, action="preview", audience="city", city=world["nashville"].pk, **TEXTS)

    assert _recipients(in_washington) == [("Ann", "en"), ("Camille", "fr"), ("Ines", "fr")]
    assert "Where now" in in_washington.content.decode()
    assert _recipients(in_nashville) == []
    assert "Send to" not in in_nashville.content.decode()


def test_preview_shows_one_rendered_sample_per_language_and_who_is_skipped(world):
    response = _compose(world, action="preview", audience="all", **TEXTS)

    samples = response.context["plan"].samples
    assert [(language, sample["subject"]) for language, sample in samples.items()] == [
        ("en", "Coach leaves early"),
        ("fr", "Le car part plus tôt"),
    ]
    assert "The coach leaves at 07:30 tomorrow." in samples["en"]["body_text"]
    assert "Olga Officer, for the programme officers of “Belgians in Tennessee”" in samples["en"]["body_text"]
    assert [(r.participant.first_name, r.skipped) for r in response.context["plan"].skipped] == [
        ("Noe", "no email address")
    ]


def test_send_writes_one_row_per_recipient_in_their_language_and_a_record(world):
    preview = _compose(world, action="preview", audience="all", **TEXTS)

    response = _compose(world, action="send", audience="all", previewed=preview.context["plan"].fingerprint, **TEXTS)

    assert response.status_code == 302
    rows = Notification.objects.filter(kind="delegation_message").order_by("to_email")
    assert [(row.to_email, row.language, row.subject) for row in rows] == [
        ("ann@example.org", "en", "Coach leaves early"),
        ("camille@example.org", "fr", "Le car part plus tôt"),
        ("ines@example.org", "fr", "Le car part plus tôt"),
    ]
    assert {row.headers["Reply-To"] for row in rows} == {"Olga Officer <o@example.org>"}
    assert {row.object_id for row in rows} == {world["visit"].pk}
    record = DelegationMessage.objects.get()
    assert (record.by, record.recipient_count, record.skipped) == (
        world["officer"],
        3,
        [
            {
                "participant": world["people"]["Noe"].participant_id,
                "name": "Noe Test",
                "email": "",
                "reason": "no email address",
            }
        ],
    )
    page = _client(world).get(reverse("visits:visit_detail", args=[world["visit"].pk])).content.decode()
    assert "Coach leaves early" in page
    assert "3 delegates" in page


def test_one_language_only_goes_to_everyone_in_that_language(world):
    english = {"subject_en": TEXTS["subject_en"], "body_en": TEXTS["body_en"]}
    preview = _compose(world, action="preview", audience="all", **english)
    assert _recipients(preview) == [("Ann", "en"), ("Camille", "en"), ("Ines", "en")]

    _compose(world, action="send", audience="all", previewed=preview.context["plan"].fingerprint, **english)

    assert set(Notification.objects.values_list("language", "subject")) == {("en", "Coach leaves early")}


def test_a_bounced_address_is_skipped_and_recorded(world):
    BouncedAddress.objects.create(email="camille@example.org", reason="550 No such user")
    preview = _compose(world, action="preview", audience="confirmed", **TEXTS)

    _compose(world, action="send", audience="confirmed", previewed=preview.context["plan"].fingerprint, **TEXTS)

    assert list(Notification.objects.values_list("to_email", flat=True)) == ["ann@example.org"]
    skipped = DelegationMessage.objects.get().skipped
    assert sorted((person["email"], person["reason"][:22]) for person in skipped) == [
        ("", "no email address"),
        ("camille@example.org", "the address bounced on"),
    ]


def test_a_change_after_the_preview_is_refused_and_shows_the_new_preview(world):
    preview = _compose(world, action="preview", audience="confirmed", **TEXTS)
    world["people"]["Ines"].status = STATUS.CONFIRMED
    world["people"]["Ines"].save()

    response = _compose(
        world, action="send", audience="confirmed", previewed=preview.context["plan"].fingerprint, **TEXTS
    )

    assert response.status_code == 400
    assert "have changed since the preview: nothing was sent" in response.content.decode()
    assert _recipients(response) == [("Ann", "en"), ("Camille", "fr"), ("Ines", "fr")]
    assert (Notification.objects.count(), DelegationMessage.objects.count()) == (0, 0)


def test_editing_the_text_after_the_preview_needs_a_new_preview(world):
    preview = _compose(world, action="preview", audience="all", **TEXTS)

    response = _compose(
        world,
        action="send",
        audience="all",
        previewed=preview.context["plan"].fingerprint,
        **{**TEXTS, "body_en": "Other"},
    )

    assert response.status_code == 400
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"subject_en": "Hello"}, "body_en", "Write the message in English, or clear its subject."),
        ({"body_fr": "Bonjour"}, "subject_fr", "Give the French message a subject."),
        ({}, "subject_en", "Write the message in English, in French, or in both."),
        ({**TEXTS, "audience": "role"}, "role", "Choose the role of the delegates you are writing to."),
        ({**TEXTS, "audience": "city"}, "city", "Choose the city whose delegates you are writing to."),
    ],
)
def test_an_incomplete_message_says_what_is_missing(world, data, field, error):
    response = _compose(world, action="preview", **{"audience": "all", **data})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [error]
    assert response.context["plan"] is None


def test_sending_to_nobody_reachable_is_refused_in_words(world):
    data = {"audience": "city", "city": world["nashville"].pk, **TEXTS}
    preview = _compose(world, action="preview", **data)

    response = _compose(world, action="send", previewed=preview.context["plan"].fingerprint, **data)

    assert response.status_code == 400
    assert "Nobody with a working email address is among the chosen delegates." in response.content.decode()
    assert DelegationMessage.objects.count() == 0


def test_the_compose_page_and_the_french_message_read_in_french(world):
    page = _client(world).get("/fr" + reverse("delegation_messages:compose", args=[world["visit"].pk]))
    preview = _compose(world, action="preview", audience="all", **TEXTS)

    assert "Écrire aux délégués" in page.content.decode()
    assert "Les délégués que le programme place dans une ville en ce moment" in page.content.decode()
    french = preview.context["plan"].samples["fr"]["body_text"]
    assert "Bonjour Camille," in french
    assert "pour les chargés de programme de « Belgians in Tennessee »" in french
    assert "/fr/" in french
