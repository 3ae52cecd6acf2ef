import datetime as dt

import factory

from delegations.tests.factories import DelegationFactory
from partners.tests.factories import CityFactory, OrganisationFactory
from visits.models import ItineraryItem, Programme, StudyVisit, Theme, VisitStop


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
