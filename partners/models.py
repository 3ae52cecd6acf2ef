"""The world the programmes live in: cities, organisations and network memberships."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(name: str, name_fr: str) -> str:
    """A name in the active language: the French one on a French page or message, when given;
    otherwise the English one (the name the directory, its duplicate checks and its order use)."""
    if name_fr and (get_language() or "").startswith("fr"):
        return name_fr
    return name


@cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _known_time_zones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone, such as Europe/Brussels."),
            params={"value": value},
            code="invalid_time_zone",
        )


class City(models.Model):
    name = models.CharField(_("name"), max_length=120)
    region = models.CharField(_("region or state"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. BE or US."))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA time zone, e.g. Europe/Brussels or America/Chicago."),
    )

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), Lower("region"), "country", name="partners_city_unique_name_region_country"
            ),
            models.CheckConstraint(condition=~models.Q(timezone=""), name="partners_city_timezone_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country})"

    def get_absolute_url(self):
        return reverse("partners:city_detail", args=[self.pk])

    @property
    def long_name(self) -> str:
        """What tells two namesakes apart: Nashville, Tennessee, US."""
        return ", ".join(part for part in (self.name, self.region, self.country) if part)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", _("Network")
        NGO = "ngo", _("NGO")
        EMBASSY = "embassy", _("Embassy")
        GOVERNMENT = "government", _("Government body")
        MUNICIPALITY = "municipality", _("Municipality")
        POLICE = "police", _("Police")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIC = "academic", _("Academic")

    name = models.CharField(_("name (English)"), max_length=200)
    # Shown to French readers where given (itineraries, emails, reports, charts); the English
    # name stays the one that is unique and sorted on. db_default: rows COPYed without it (bench).
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True, default="", db_default="")
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # A city's hall or police survives the deletion of nothing: a city in use is protected.
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    # An office inside an embassy or a department; removing the parent keeps the office.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="partners_organisation_unique_name"),
        ]

    def __str__(self):
        name = self.localized_name
        return f"{name} ({self.acronym})" if self.acronym else name

    def get_absolute_url(self):
        return reverse("partners:organisation_detail", args=[self.pk])

    @property
    def localized_name(self) -> str:
        return localized(self.name, self.name_fr)


class NetworkMembership(models.Model):
    """A city's standing in a network over a period: one row per period."""

    class Status(models.TextChoices):
        CONTRIBUTING = "contributing", _("Contributing")
        APPLYING = "applying", _("Applying")
        MEMBER = "member", _("Member")
        FORMER = "former", _("Former member")

    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="memberships")
    network = models.ForeignKey(
        Organisation,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"kind": Organisation.Kind.NETWORK},
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=120, blank=True, help_text=_("e.g. President"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["city__name", "network__name", "since"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "network", "since"], name="partners_membership_unique_city_network_since"
            ),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="partners_membership_until_after_since",
            ),
        ]

    def __str__(self):
        return f"{self.city.name} – {self.network.name}: {self.get_status_display()}"

    def clean(self):
        if self.network_id and self.network.kind != Organisation.Kind.NETWORK:
            raise ValidationError({"network": _("Choose an organisation that is a network.")})
        if self.until and self.since and self.until < self.since:
            raise ValidationError({"until": _("The end date cannot be before the start date.")})
