"""The follow-up board's filters."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from officers.filters import CheckboxFilter
from visits.filters import _officer_programmes
from visits.models import StudyVisit, Theme
from visits.selectors import visits_for_officer

from .models import FollowUp


def _officer_visits(request):
    return visits_for_officer(request.user) if request else StudyVisit.objects.none()


class FollowUpFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    # The visit page's "3 follow-ups" link: that visit's, by id (a title search also finds namesakes).
    visit = django_filters.ModelChoiceFilter(label=_("Visit"), queryset=_officer_visits, widget=forms.HiddenInput)
    visit__programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=_officer_programmes)
    themes = django_filters.ModelChoiceFilter(label=_("Theme"), queryset=Theme.objects.all())
    overdue = CheckboxFilter(label=_("Overdue only"), method="only_overdue")

    class Meta:
        model = FollowUp
        fields = ["q", "visit", "visit__programme", "themes", "overdue"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(visit__title__icontains=value))

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.overdue(timezone.localdate())
