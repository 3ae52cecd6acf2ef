"""Factories for follow-ups, meeting notes and lessons."""

import factory

from outcomes.models import FollowUp, ItemNote, Lesson
from partners.tests.factories import CityFactory
from visits.tests.factories import ItineraryItemFactory, StudyVisitFactory, ThemeFactory


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    visit = factory.SubFactory(StudyVisitFactory)
    title = factory.Sequence(lambda n: f"Follow-up {n}")
    owner_city = factory.SubFactory(CityFactory)


class ItemNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemNote

    item = factory.SubFactory(ItineraryItemFactory)
    discussed = factory.Sequence(lambda n: f"Discussion {n}")


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    visit = factory.SubFactory(StudyVisitFactory)
    theme = factory.SubFactory(ThemeFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
