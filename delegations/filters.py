import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import City, Organisation

from .models import Delegation, Participant


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    profession = django_filters.ChoiceFilter(label=_("Profession"), choices=Participant.Profession.choices)
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=Organisation.objects.all())
    home_city = django_filters.ModelChoiceFilter(label=_("Home city"), queryset=City.objects.all())
    preferred_language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Participant._meta.get_field("preferred_language").choices
    )

    class Meta:
        model = Participant
        fields = ["q", "profession", "organisation", "home_city", "preferred_language"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
            | Q(position__icontains=value)
        )


class DelegationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    home_cities = django_filters.ModelChoiceFilter(label=_("Home city"), queryset=City.objects.all())

    class Meta:
        model = Delegation
        fields = ["q", "home_cities"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(head__last_name__icontains=value)
            | Q(members__participant__last_name__icontains=value)
        ).distinct()
