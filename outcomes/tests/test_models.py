"""Rules on one follow-up row."""

import pytest
from django.core.exceptions import ValidationError

from outcomes.tests.factories import FollowUpFactory
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.tests.factories import StudyVisitFactory

pytestmark = pytest.mark.django_db


def test_follow_up_with_two_owners_is_refused_by_validation():
    follow_up = FollowUpFactory.build(
        visit=StudyVisitFactory(), owner_city=CityFactory(), owner_organisation=OrganisationFactory()
    )

    with pytest.raises(ValidationError, match="exactly one owner"):
        follow_up.full_clean()
