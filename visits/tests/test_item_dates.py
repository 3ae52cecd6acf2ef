"""The itinerary item form refuses dates out of any sane range in words, never with a 500."""

import pytest
from django.urls import reverse

from partners.tests.factories import CityFactory
from visits.models import ItineraryItem
from visits.tests.factories import ProgrammeFactory, StudyVisitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("day", "9999-12-31", "day"),
        ("day", "0001-01-01", "day"),
        ("end_day", "9999-12-31", "end_day"),
        ("end_day", "0001-01-01", "end_day"),
    ],
)
def test_item_with_a_date_out_of_range_is_refused_in_words(client, django_user_model, field, value, error_field):
    officer = django_user_model.objects.create_user(username="o@example.org", email="o@example.org")
    programme = ProgrammeFactory()
    programme.officers.add(officer)
    visit = StudyVisitFactory(programme=programme)
    city = CityFactory(name="Nashville", timezone="America/Chicago")
    item = {"city": city.pk, "kind": "meeting", "title": "Late", "status": "requested", "day": "2019-11-04"}
    # 23:30 on 31 December 9999 in Chicago is past the last instant Python can hold in UTC.
    item |= {"start_time": "23:00", "end_time": "23:30", field: value}
    client.force_login(officer)

    response = client.post(reverse("visits:item_create", args=[visit.pk]), item)

    assert response.status_code == 400
    assert response.context["item_form"].errors == {error_field: ["Enter a date between the years 1900 and 2100."]}
    assert ItineraryItem.objects.count() == 0
