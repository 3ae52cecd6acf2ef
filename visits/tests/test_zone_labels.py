"""Every time carries its own zone's abbreviation, the hour that repeats when clocks go back included."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from notifications.models import Notification
from partners.tests.factories import CityFactory
from visits.models import ItineraryItem
from visits.services import itinerary_item_update, visit_itinerary_digest_queue, visit_publish
from visits.tests.factories import ItineraryItemFactory, ProgrammeFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Chicago, 3 November 2019: 01:00-02:00 happens twice, first CDT (06:00-07:00 UTC), then CST (07:00-08:00 UTC).
SECOND_HOUR = (dt.datetime(2019, 11, 3, 7, 15, tzinfo=UTC), dt.datetime(2019, 11, 3, 7, 45, tzinfo=UTC))
ACROSS = (dt.datetime(2019, 11, 3, 6, 30, tzinfo=UTC), dt.datetime(2019, 11, 3, 7, 0, tzinfo=UTC))
LONG_ACROSS = (dt.datetime(2019, 11, 3, 6, 30, tzinfo=UTC), dt.datetime(2019, 11, 3, 8, 30, tzinfo=UTC))
EXPECTED = ["01:15–01:45 CST Second hour", "01:30 CDT–01:00 CST Across", "01:30 CDT–02:30 CST Long across"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" –", "–").replace("– ", "–")


@pytest.fixture
def visit(django_user_model):
    nashville = CityFactory(name="Nashville", country="US", timezone="America/Chicago")
    officer = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    programme = ProgrammeFactory()
    programme.officers.add(officer)
    visit = StudyVisitFactory(programme=programme)
    items = {"Second hour": SECOND_HOUR, "Across": ACROSS, "Long across": LONG_ACROSS}
    for title, (starts_at, ends_at) in items.items():
        ItineraryItemFactory(visit=visit, city=nashville, title=title, starts_at=starts_at, ends_at=ends_at)
    DelegationMemberFactory(
        delegation=visit.delegation, participant=ParticipantFactory(email="jordan@example.org", home_city=nashville)
    )
    visit.officer = officer
    return visit


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (dt.datetime(2019, 11, 3, 6, 30, tzinfo=UTC), "01:30 CDT"),
        (dt.datetime(2019, 11, 3, 7, 30, tzinfo=UTC), "01:30 CST"),
        (dt.datetime(2019, 11, 3, 15, tzinfo=UTC), "09:00 CST"),
    ],
)
def test_zoned_filter_names_each_occurrence_of_the_repeated_hour(instant, expected):
    template = Template('{% load tz zones %}{% timezone "America/Chicago" %}{{ at|zoned:"H:i T" }}{% endtimezone %}')

    assert template.render(Context({"at": instant})) == expected


def test_officer_visit_page_gives_each_end_its_own_abbreviation(client, visit):
    client.force_login(visit.officer)

    text = _text(client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode())

    assert [line for line in EXPECTED if line in text] == EXPECTED


def test_published_itinerary_email_gives_each_end_its_own_abbreviation(visit):
    visit_publish(visit, by=None)

    [message] = Notification.objects.filter(kind="itinerary_published")
    assert "  01:15–01:45 CST  Second hour · Nashville" in message.body_text
    assert "  01:30 CDT–01:00 CST  Across · Nashville" in message.body_text
    assert "  01:30 CDT–02:30 CST  Long across · Nashville" in message.body_text
    assert [line for line in EXPECTED if line in _text(message.body_html)] == EXPECTED


def test_digest_gives_each_end_its_own_abbreviation(visit):
    visit_publish(visit, by=None)
    item = ItineraryItem.objects.get(title="Second hour")

    itinerary_item_update(item, by=None, starts_at=ACROSS[0], ends_at=ACROSS[1])
    visit_itinerary_digest_queue(visit.pk, now=dt.datetime(2030, 1, 1, tzinfo=UTC))

    [digest] = Notification.objects.filter(kind="itinerary_digest")
    assert "Moved: Second hour · Nashville · Sun 3 Nov 01:15–01:45 CST → Sun 3 Nov 01:30 CDT–01:00 CST" in (
        digest.body_text
    )
