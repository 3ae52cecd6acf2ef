"""Search and filters of the officer's lists (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from officers.forms import offer_fetched

from .models import Programme, StudyVisit, Theme
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

    def __init__(self, *args, programmes=None, **kwargs):
        """``programmes``: the officer's programmes already fetched (``programmes_for_officer``, in its
        order), offered as the programme choices instead of querying them again."""
        super().__init__(*args, **kwargs)
        self.programmes = programmes

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            if self.programmes is not None:
                offer_fetched(form.fields["programme"], self.programmes)
        return self._form

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
