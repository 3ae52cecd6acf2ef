import datetime as dt

import factory

from delegations.tests.factories import DelegationFactory
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.models import ItineraryItem, Programme, StudyVisit, Theme, TravelLeg, VisitStop


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    organiser = factory.SubFactory(OrganisationFactory)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class StudyVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyVisit

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Visit {n}")
    delegation = factory.SubFactory(DelegationFactory)
    starts_on = dt.date(2019, 11, 3)
    ends_on = dt.date(2019, 11, 9)


class PublishedVisitFactory(StudyVisitFactory):
    status = StudyVisit.Status.PUBLISHED
    published_at = dt.datetime(2019, 10, 1, 9, tzinfo=dt.UTC)


class VisitStopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitStop

    visit = factory.SubFactory(StudyVisitFactory)
    city = factory.SubFactory(CityFactory)
    arrives_on = factory.SelfAttribute("visit.starts_on")
    departs_on = factory.SelfAttribute("visit.ends_on")


class ItineraryItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItineraryItem

    visit = factory.SubFactory(StudyVisitFactory)
    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = dt.datetime(2019, 11, 4, 9, tzinfo=dt.UTC)
    ends_at = factory.LazyAttribute(lambda item: item.starts_at + dt.timedelta(hours=1))


class TravelLegFactory(factory.django.DjangoModelFactory):
    """A coach across the Central-Eastern line, for the whole delegation."""

    class Meta:
        model = TravelLeg
        skip_postgeneration_save = True

    visit = factory.SubFactory(StudyVisitFactory)
    kind = TravelLeg.Kind.COACH
    from_city = factory.SubFactory(CityFactory, timezone="America/Chicago")
    to_city = factory.SubFactory(CityFactory, timezone="America/New_York")
    departs_at = dt.datetime(2019, 11, 5, 17, tzinfo=dt.UTC)
    arrives_at = factory.LazyAttribute(lambda leg: leg.departs_at + dt.timedelta(hours=2, minutes=15))
    status = TravelLeg.Status.CONFIRMED

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)
            if self.whole_delegation:
                self.whole_delegation = False
                self.save(update_fields=["whole_delegation"])
