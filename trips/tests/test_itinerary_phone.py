"""The delegate's itinerary as a traveller uses it: host contacts, call and map links, what changed, Now / Next."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from delegations.tests.factories import DelegationMemberFactory, ParticipantFactory
from partners.tests.factories import CityFactory
from trips.models import Accommodation, ItineraryLastSeen
from trips.views import my as my_views
from visits.models import ItineraryItem
from visits.services import itinerary_item_update
from visits.tests.factories import ItineraryItemFactory, PublishedVisitFactory, TravelLegFactory, VisitStopFactory

pytestmark = pytest.mark.django_db

CST = dt.timezone(dt.timedelta(hours=-6))


@pytest.fixture
def nashville():
    return CityFactory(name="Nashville", country="US", timezone="America/Chicago")


@pytest.fixture
def delegate():
    user = get_user_model().objects.create_user(username="camille@example.org", email="camille@example.org")
    return user, ParticipantFactory(user=user, email="camille@example.org")


@pytest.fixture
def visit(delegate, nashville):
    visit = PublishedVisitFactory(title="Belgians in Tennessee")
    VisitStopFactory(visit=visit, city=nashville)
    DelegationMemberFactory(delegation=visit.delegation, participant=delegate[1])
    return visit


@pytest.fixture
def signed_in(client, delegate):
    client.force_login(delegate[0])
    return client


def _page(client, visit) -> str:
    return client.get(reverse("my:itinerary", args=[visit.pk])).content.decode()


def _item(visit, city, **fields):
    fields = {
        "title": "Community policing",
        "starts_at": dt.datetime(2019, 11, 4, 9, tzinfo=CST),
        "ends_at": dt.datetime(2019, 11, 4, 10, 30, tzinfo=CST),
        "status": ItineraryItem.Status.CONFIRMED,
        "venue": "East Precinct",
        "address": "936 E Trinity Ln",
        **fields,
    }
    return ItineraryItemFactory(visit=visit, city=city, **fields)


def test_host_contact_is_shown_to_delegates_only_when_the_officer_shares_it(signed_in, visit, nashville):
    contact = {
        "host_contact": "Lt. Sample",
        "host_contact_role": "Community liaison",
        "host_contact_phone": "+1 (615) 555-0100",
    }
    _item(visit, nashville, title="Shared meeting", host_contact_shared=True, **contact)
    _item(visit, nashville, title="Private meeting", **{**contact, "host_contact": "Sgt. Hidden"})

    content = _page(signed_in, visit)

    assert re.findall(r"Your host: ([^<·]+?) · ([^\n<]+)", content) == [("Lt. Sample", "Community liaison")]
    assert re.findall(r'href="(tel:[^"]+)"', content) == ["tel:+16155550100"]
    assert "Sgt. Hidden" not in content


def test_host_contact_is_in_the_pdf_only_when_shared(visit, delegate, nashville):
    _item(visit, nashville, host_contact="Lt. Sample", host_contact_phone="+1 615 555 0100", host_contact_shared=True)
    _item(visit, nashville, title="Other", host_contact="Sgt. Hidden", host_contact_phone="+1 615 555 0199")

    html = render_to_string(
        "trips/my/itinerary_pdf.html", {**my_views.itinerary_context(visit, delegate[1]), "pdf": True}
    )

    assert "Your host: Lt. Sample" in html
    assert "+1 615 555 0100" in html
    assert "Sgt. Hidden" not in html
    assert "tel:" not in html
    assert "geo:" not in html


def test_addresses_open_the_phones_map_app_with_a_web_map_beside(signed_in, visit, nashville, delegate):
    _item(visit, nashville)
    Accommodation.objects.create(
        visit=visit,
        participant=delegate[1],
        name="Union Station Hotel",
        city=nashville,
        address="1001 Broadway",
        phone="+1 615 726 1001",
        check_in=dt.date(2019, 11, 3),
        check_out=dt.date(2019, 11, 5),
    )

    content = _page(signed_in, visit)

    assert re.findall(r'href="(geo:[^"]+)"', content) == [
        "geo:0,0?q=1001%20Broadway%2C%20Nashville",
        "geo:0,0?q=936%20E%20Trinity%20Ln%2C%20Nashville",
    ]
    assert re.findall(r'href="(https://www.openstreetmap.org/[^"]+)"', content) == [
        "https://www.openstreetmap.org/search?query=1001%20Broadway%2C%20Nashville",
        "https://www.openstreetmap.org/search?query=936%20E%20Trinity%20Ln%2C%20Nashville",
    ]
    assert re.findall(r'href="(tel:[^"]+)"', content) == ["tel:+16157261001"]


def _struck(content: str) -> list[str]:
    return re.findall(r'<span class="visually-hidden">was </span><del>([^<]+)</del>', content)


def test_a_moved_entry_shows_its_old_time_and_place_after_reloads_until_two_days_after_first_seen(
    signed_in, visit, nashville
):
    item = _item(visit, nashville)
    _page(signed_in, visit)  # the delegate knows the programme
    ItineraryLastSeen.objects.update(seen_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC))
    itinerary_item_update(
        item,
        by=None,
        starts_at=dt.datetime(2019, 11, 4, 11, tzinfo=CST),
        ends_at=dt.datetime(2019, 11, 4, 12, tzinfo=CST),
        venue="Police HQ",
    )

    first, again, third = _page(signed_in, visit), _page(signed_in, visit), _page(signed_in, visit)
    looks = ItineraryLastSeen.objects.get()
    looks.changes_first_seen = {
        pk: [dt.datetime(2019, 1, 2, tzinfo=dt.UTC).isoformat(), before]
        for pk, (_seen, before) in looks.changes_first_seen.items()
    }
    looks.save()
    later = _page(signed_in, visit)

    assert _struck(first) == _struck(again) == _struck(third) == ["09:00–10:30 CST", "East Precinct"]
    # Since the look before the change, in the visit's zone.
    assert "One entry changed since 31 Dec 18:00 CST:" in third
    assert re.findall(r'changed-link" href="#([^"]+)"', third) == [f"item-{item.pk}"]
    assert f'id="item-{item.pk}"' in third
    assert _struck(later) == []
    assert "changes-banner" not in later


def test_nothing_is_struck_through_when_an_entry_moved_and_moved_back(signed_in, visit, nashville):
    item = _item(visit, nashville)
    _page(signed_in, visit)
    ItineraryLastSeen.objects.update(seen_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC))
    itinerary_item_update(item, by=None, venue="Police HQ")
    itinerary_item_update(item, by=None, venue="East Precinct")

    content = _page(signed_in, visit)

    assert _struck(content) == []
    assert '<span class="badge text-bg-warning">Changed</span>' in content


def test_now_next_card_shows_the_entry_under_way_and_the_next_with_its_zone(signed_in, visit, nashville, monkeypatch):
    _item(visit, nashville, title="Precinct visit")
    TravelLegFactory(
        visit=visit,
        from_city=nashville,
        to_city=CityFactory(name="Chattanooga", timezone="America/New_York"),
        from_place="Union Station",
    )
    monkeypatch.setattr(my_views, "_now", lambda: dt.datetime(2019, 11, 4, 9, 30, tzinfo=CST))

    content = _page(signed_in, visit)

    start = content.index('<section class="card now-next')
    card = content[start : content.index("</section>", start)]
    text = re.sub(r"<[^>]+>|\s+", " ", card)
    assert re.sub(r"\s+", " ", text).split(" Next ")[0].strip() == (
        "Now and next Now Precinct visit until 10:30 CST · Nashville · East Precinct"
        " Open in maps : Precinct visit Web map : Precinct visit"
    )
    assert "Next Coach · Nashville → Chattanooga Tue 5 Nov · 11:00 CST · Nashville · Union Station" in re.sub(
        r"\s+", " ", text
    )
    assert 'class="btn btn-primary btn-touch jump-to-today" href="#day-2019-11-04"' in content


def test_no_now_next_card_or_jump_when_the_visit_is_far_off(signed_in, visit, nashville, monkeypatch):
    _item(visit, nashville)
    monkeypatch.setattr(my_views, "_now", lambda: dt.datetime(2019, 10, 1, 9, tzinfo=dt.UTC))

    content = _page(signed_in, visit)

    assert "now-next" not in content
    assert "jump-to-today" not in content
