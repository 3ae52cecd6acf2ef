import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from officers.filters import CheckboxFilter

from .models import City, NetworkMembership, Organisation


class CityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    country = django_filters.CharFilter(label=_("Country"), lookup_expr="iexact")

    class Meta:
        model = City
        fields = ["q", "country"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(region__icontains=value) | Q(timezone__icontains=value))


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    city = django_filters.ModelChoiceFilter(label=_("City"), queryset=City.objects.all())

    class Meta:
        model = Organisation
        fields = ["q", "kind", "city"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_fr__icontains=value) | Q(acronym__icontains=value))


class NetworkMembershipFilter(django_filters.FilterSet):
    city = django_filters.ModelChoiceFilter(label=_("City"), queryset=City.objects.all())
    network = django_filters.ModelChoiceFilter(
        label=_("Network"), queryset=Organisation.objects.filter(kind=Organisation.Kind.NETWORK)
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=NetworkMembership.Status.choices)
    current = CheckboxFilter(label=_("Current only"), field_name="until", lookup_expr="isnull")

    class Meta:
        model = NetworkMembership
        fields = ["city", "network", "status", "current"]
