"""Search and filters of the officer's lists (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FollowUp, Programme, StudyVisit, Theme
from .selectors import programmes_for_officer


def _officer_programmes(request):
    return programmes_for_officer(request.user) if request else Programme.objects.none()


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Programme
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(organiser__name__icontains=value))


class VisitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=_officer_programmes)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=StudyVisit.Status.choices)
    themes = django_filters.ModelChoiceFilter(label=_("Theme"), queryset=Theme.objects.all())
    # Bounded: a year the calendar cannot hold (say 99999) would overflow the date lookup.
    year = django_filters.NumberFilter(
        label=_("Year"),
        field_name="starts_on",
        lookup_expr="year",
        min_value=1,
        max_value=9999,
        decimal_places=0,
    )

    class Meta:
        model = StudyVisit
        fields = ["q", "programme", "status", "themes", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(delegation__name__icontains=value) | Q(stops__city__name__icontains=value)
        ).distinct()


class ThemeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Theme
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_fr__icontains=value) | Q(slug__icontains=value))


class FollowUpFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    visit__programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=_officer_programmes)
    themes = django_filters.ModelChoiceFilter(label=_("Theme"), queryset=Theme.objects.all())
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="only_overdue", widget=django_filters.widgets.BooleanWidget()
    )

    class Meta:
        model = FollowUp
        fields = ["q", "visit__programme", "themes", "overdue"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(visit__title__icontains=value))

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            due_on__lt=timezone.localdate(), status__in=[FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS]
        )
