import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from delegations.models import DelegationMember
from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from outcomes.models import FollowUp
from outcomes.services import follow_up_reminders_queue, scheduled_messages_queue
from outcomes.tests.factories import FollowUpFactory
from pagecache.tables import without_version_bumps
from partners.tests.factories import CityFactory
from visits.models import ItineraryChange, ItineraryItem, StudyVisit
from visits.services import (
    itinerary_digests_queue,
    itinerary_item_cancel,
    itinerary_item_create,
    itinerary_item_delete,
    itinerary_item_update,
    visit_itinerary_digest_queue,
    visit_lessons_requests_queue,
    visit_publish,
    visit_reminders_queue,
    visit_unpublish,
)
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory, VisitStopFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
RETURN_VISIT = "Return visit: American practitioners in Liège and Verviers"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def world():
    """A draft visit 3–9 Nov 2019 in Liège with one item, and a delegation of four."""
    liege = CityFactory(name="Liège", timezone="Europe/Brussels")
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    visit = StudyVisitFactory()
    VisitStopFactory(visit=visit, city=liege)
    item = ItineraryItemFactory(visit=visit, city=liege, title="Welcome at City Hall", venue="Hôtel de Ville")
    en = DelegationMemberFactory(
        delegation=visit.delegation,
        participant=ParticipantFactory(first_name="Jordan", email="jordan@example.org", home_city=nashville),
    ).participant
    fr = DelegationMemberFactory(
        delegation=visit.delegation,
        participant=ParticipantFactory(
            first_name="Camille", email="camille@example.org", home_city=liege, preferred_language="fr"
        ),
    ).participant
    DelegationMemberFactory(delegation=visit.delegation, status=DelegationMember.Status.INVITED)
    DelegationMemberFactory(delegation=visit.delegation, participant=ParticipantFactory(email=""))
    return {"visit": visit, "item": item, "en": en, "fr": fr, "liege": liege}


@pytest.fixture
def published(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        visit_publish(world["visit"], by=None)
    Notification.objects.all().delete()
    world["visit"].refresh_from_db()
    return world


def _rows(kind: str | None = None) -> list[Notification]:
    rows = Notification.objects.order_by("to_email", "pk")
    return list(rows.filter(kind=kind) if kind else rows)


def test_visit_publish_queues_the_itinerary_to_confirmed_members_with_an_email(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        visit_publish(world["visit"], by=None)

    rows = _rows()
    assert [(row.to_email, row.kind, row.status) for row in rows] == [
        ("camille@example.org", "itinerary_published", "queued"),
        ("jordan@example.org", "itinerary_published", "queued"),
    ]
    assert len(without_version_bumps(callbacks)) == 2
    assert all(row.about == world["visit"] for row in rows)


def test_visit_publish_message_is_in_the_recipients_language_with_venue_times(world):
    visit_publish(world["visit"], by=None)

    camille, jordan = _rows()
    assert (camille.language, jordan.language) == ("fr", "en")
    assert "lundi 4 novembre 2019" in camille.body_text
    assert "Monday 4 November 2019" in jordan.body_text
    assert "10:00–11:00 CET  Welcome at City Hall · Liège · Hôtel de Ville" in jordan.body_text
    assert f"http://127.0.0.1:8000/fr/visits/{world['visit'].pk}/" in camille.body_text
    assert f"http://127.0.0.1:8000/visits/{world['visit'].pk}/" in jordan.body_text
    assert "<li><strong>10:00–11:00 CET</strong> Welcome at City Hall" in jordan.body_html


def test_visit_publish_invites_to_each_item_with_real_time_zones(world):
    visit_publish(world["visit"], by=None)

    [attachment] = _rows()[0].attachments
    content = attachment["content"]
    assert (attachment["filename"], attachment["mimetype"]) == (
        f"invitation-item-{world['item'].pk}.ics",
        "text/calendar; method=REQUEST",
    )
    assert f"UID:item-{world['item'].pk}@cityexchange" in content
    assert "DTSTART;TZID=Europe/Brussels:20191104T100000" in content
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels" in content


def test_visit_publish_rolled_back_queues_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            visit_publish(world["visit"], by=None)
            raise RuntimeError("something later failed")

    assert (_rows(), callbacks) == ([], [])


def test_visit_published_again_after_unpublishing_is_sent_again(world):
    visit_publish(world["visit"], by=None)
    visit_unpublish(world["visit"], by=None)

    visit_publish(world["visit"], by=None)

    assert len(_rows("itinerary_published")) == 4


def test_visit_publish_of_the_demo_visit_queues_one_message_per_confirmed_member(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    visit_publish(StudyVisit.objects.get(title=RETURN_VISIT), by=None)

    assert [row.to_email for row in _rows()] == ["morgan.testcase@example.org", "taylor.example@example.org"]


def test_itinerary_item_create_on_a_published_visit_records_an_addition(published):
    item = itinerary_item_create(
        published["visit"],
        by=None,
        city=published["liege"],
        title="Workshop",
        starts_at=at("2019-11-05 13:00"),
        ends_at=at("2019-11-05 15:00"),
        themes=[],
    )

    [change] = ItineraryChange.objects.all()
    assert (change.item_pk, change.action, change.new_starts_at, change.old_starts_at) == (
        item.pk,
        "added",
        at("2019-11-05 13:00"),
        None,
    )


def test_itinerary_item_services_on_a_draft_visit_record_nothing(world):
    itinerary_item_update(world["item"], by=None, title="Renamed")

    assert ItineraryChange.objects.count() == 0


def test_itinerary_item_update_records_a_move_with_the_old_times(published):
    item = published["item"]

    itinerary_item_update(item, by=None, starts_at=at("2019-11-04 10:00"), ends_at=at("2019-11-04 11:00"))

    [change] = ItineraryChange.objects.all()
    assert (change.action, change.old_starts_at, change.new_starts_at, change.timezone) == (
        "changed",
        at("2019-11-04 09:00"),
        at("2019-11-04 10:00"),
        "Europe/Brussels",
    )


def test_itinerary_item_update_with_bad_times_says_why_and_changes_nothing(published):
    item = published["item"]

    with pytest.raises(ValidationError) as error:
        itinerary_item_update(item, by=None, ends_at=at("2019-11-04 08:00"))

    item.refresh_from_db()
    assert error.value.message_dict == {"ends_at": ["An item must end after it starts."]}
    assert (item.ends_at, ItineraryChange.objects.count()) == (at("2019-11-04 10:00"), 0)


def test_itinerary_item_cancel_and_delete_are_recorded(published):
    other = ItineraryItemFactory(visit=published["visit"], city=published["liege"])

    itinerary_item_cancel(published["item"], by=None)
    itinerary_item_delete(other, by=None)

    assert list(ItineraryChange.objects.values_list("action", flat=True)) == ["cancelled", "deleted"]
    assert published["item"].__class__.objects.get(pk=published["item"].pk).status == ItineraryItem.Status.CANCELLED
    assert not ItineraryItem.objects.filter(pk=other.pk).exists()


def test_itinerary_digests_wait_for_quiet_then_send_one_per_member(
    published, settings, django_capture_on_commit_callbacks
):
    settings.ITINERARY_DIGEST_QUIET_MINUTES = 5
    item = published["item"]
    for minutes in range(10):
        itinerary_item_update(
            item, by=None, starts_at=at("2019-11-04 09:00") + dt.timedelta(minutes=minutes + 1), ends_at=item.ends_at
        )
    last_change = ItineraryChange.objects.latest("changed_at").changed_at

    assert itinerary_digests_queue(now=last_change + dt.timedelta(minutes=4)) == 0
    with django_capture_on_commit_callbacks() as callbacks:
        assert itinerary_digests_queue(now=last_change + dt.timedelta(minutes=5)) == 2
    assert itinerary_digests_queue(now=last_change + dt.timedelta(minutes=10)) == 0

    camille, jordan = _rows("itinerary_digest")
    assert len(without_version_bumps(callbacks)) == 2
    assert (
        "Moved: Welcome at City Hall · Liège · Mon 4 Nov 10:00–11:00 CET → Mon 4 Nov 10:10–11:00 CET"
        in jordan.body_text
    )
    assert (camille.language, "lun 4" in camille.body_text) == ("fr", True)
    assert jordan.body_text.count("\n- ") == 1


def test_itinerary_digest_of_an_item_added_then_removed_says_nothing(published):
    item = itinerary_item_create(
        published["visit"],
        by=None,
        city=published["liege"],
        title="Maybe",
        starts_at=at("2019-11-05 13:00"),
        ends_at=at("2019-11-05 14:00"),
    )
    itinerary_item_delete(item, by=None)
    last_change = ItineraryChange.objects.latest("changed_at").changed_at

    assert visit_itinerary_digest_queue(published["visit"].pk, now=last_change + dt.timedelta(hours=1)) == 0
    assert ItineraryChange.objects.filter(digested_at__isnull=True).count() == 0


def test_visit_reminders_go_out_at_eight_in_each_members_home_zone(published):
    # 27 October 2019: Europe leaves summer time at 03:00, so 08:00 in Liège is 07:00 UTC; Nashville is still on CDT.
    assert visit_reminders_queue(now=at("2019-10-27 06:59")) == 0
    assert visit_reminders_queue(now=at("2019-10-27 07:00")) == 1
    assert visit_reminders_queue(now=at("2019-10-27 13:00")) == 1
    assert visit_reminders_queue(now=at("2019-10-27 14:00")) == 0
    assert visit_reminders_queue(now=at("2019-11-02 07:00")) == 1

    rows = _rows("visit_reminder")
    assert [(row.to_email, row.key.split(":")[3]) for row in rows] == [
        ("camille@example.org", "7"),
        ("camille@example.org", "1"),
        ("jordan@example.org", "7"),
    ]
    assert rows[2].subject == f"In 7 days: {published['visit'].title}"
    assert "lundi 4 novembre 2019" in rows[0].body_text


def test_visit_reminders_skip_draft_visits(world):
    assert visit_reminders_queue(now=at("2019-10-27 13:00")) == 0


def test_visit_lessons_request_goes_out_the_morning_after_the_visit(published):
    assert visit_lessons_requests_queue(now=at("2019-11-10 06:59")) == 0
    assert visit_lessons_requests_queue(now=at("2019-11-10 07:00")) == 1  # Liège's morning
    assert visit_lessons_requests_queue(now=at("2019-11-10 14:00")) == 1  # Nashville's morning
    assert visit_lessons_requests_queue(now=at("2019-11-10 15:00")) == 0


def test_follow_up_reminders_come_before_on_and_after_the_due_date(published):
    owner = published["fr"]
    follow_up = FollowUpFactory(
        visit=published["visit"], owner_city=None, owner_participant=owner, due_on=dt.date(2019, 12, 10)
    )
    FollowUpFactory(visit=published["visit"], due_on=dt.date(2019, 12, 10))  # owned by a city: nobody to write to

    assert follow_up_reminders_queue(now=at("2019-12-03 06:59")) == 0
    assert follow_up_reminders_queue(now=at("2019-12-03 07:00")) == 1
    assert follow_up_reminders_queue(now=at("2019-12-10 07:00")) == 1
    assert follow_up_reminders_queue(now=at("2019-12-17 07:00")) == 1
    assert follow_up_reminders_queue(now=at("2019-12-17 08:00")) == 0

    rows = _rows("follow_up_reminder")
    assert [row.key for row in rows] == [f"follow-up-reminder:{follow_up.pk}:20191210:{days}" for days in (7, 0, -7)]
    assert all(row.about == published["visit"] for row in rows)


def test_follow_up_reminders_skip_finished_follow_ups(published):
    FollowUpFactory(
        visit=published["visit"],
        owner_city=None,
        owner_participant=published["en"],
        due_on=dt.date(2019, 12, 10),
        status=FollowUp.Status.DONE,
    )

    assert follow_up_reminders_queue(now=at("2019-12-10 14:00")) == 0


def test_scheduled_messages_on_the_demo_send_nothing_stale(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert scheduled_messages_queue() == 0
    assert _rows() == []


def test_reminder_moment_uses_the_zone_rules_of_that_day():
    # Guard for the test above: 08:00 in Brussels on 27 October 2019 is 07:00 UTC.
    assert dt.datetime(2019, 10, 27, 8, tzinfo=ZoneInfo("Europe/Brussels")).astimezone(UTC) == at("2019-10-27 07:00")
