import factory

from partners.models import City, NetworkMembership, Organisation


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"City {n}")
    country = "BE"
    timezone = "Europe/Brussels"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MUNICIPALITY


class NetworkFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Network {n}")
    kind = Organisation.Kind.NETWORK


class NetworkMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMembership

    city = factory.SubFactory(CityFactory)
    network = factory.SubFactory(NetworkFactory)
    status = NetworkMembership.Status.MEMBER
    since = factory.Faker("date_object")
