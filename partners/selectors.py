"""Reads of the shared world: is this city or organisation already in the directory?

Names are compared folded (case, accents and spacing ignored), so "Liege" finds "Liège" and
"nashville" finds "Nashville". A city with the same folded name, region and country is the
same city (refused); one with the same folded name and country but another region (blank,
"TN" beside "Tennessee", or a real namesake) is a near-duplicate, offered before saving.
"""

import unicodedata

from django.db.models import Q, QuerySet

from .models import City, Organisation

# Two-letter abbreviations officers type for a region; a near-duplicate names the region in full.
REGION_ABBREVIATIONS = {
    "US": {
        "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
        "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
        "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
        "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
        "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
        "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
        "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
        "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
        "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
        "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
        "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    },
    "BE": {"BRU": "Brussels-Capital", "VLG": "Flanders", "WAL": "Wallonia"},
}  # fmt: skip


def folded(text: str) -> str:
    """``text`` without case, accents or repeated spaces: the key two names are compared on."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def region_folded(region: str, country: str) -> str:
    """The folded region, an abbreviation spelled out (``TN`` in the US is ``tennessee``)."""
    abbreviations = REGION_ABBREVIATIONS.get((country or "").upper(), {})
    return folded(abbreviations.get((region or "").strip().upper(), region))


def _namesakes(name: str, country: str, exclude_pk) -> list[City]:
    # Folding happens in Python so that it means the same on PostgreSQL and SQLite (no unaccent);
    # the country narrows the candidates to a few hundred names at most.
    key = folded(name)
    cities = City.objects.filter(country__iexact=country).exclude(pk=exclude_pk).order_by("name", "pk")
    return [city for city in cities.only("pk", "name", "region", "country") if folded(city.name) == key]


def city_duplicate(*, name: str, region: str, country: str, exclude_pk=None) -> City | None:
    """The city that is this one, ignoring case and accents, or None."""
    key = folded(region)
    return next((city for city in _namesakes(name, country, exclude_pk) if folded(city.region) == key), None)


def city_near_duplicates(*, name: str, region: str, country: str, exclude_pk=None) -> list[City]:
    """Cities this one may be: the same name in the same country, another way of writing the region
    (an abbreviation, or none) first, then namesakes elsewhere in the country."""
    key = folded(region)
    expanded = region_folded(region, country)
    candidates = [city for city in _namesakes(name, country, exclude_pk) if folded(city.region) != key]
    return sorted(candidates, key=lambda city: region_folded(city.region, city.country) != expanded)


def organisation_duplicate(*, name: str, exclude_pk=None) -> Organisation | None:
    """The organisation with this name, ignoring case and accents, or None."""
    key = folded(name)
    candidates = Organisation.objects.exclude(pk=exclude_pk).only("pk", "name", "acronym").order_by("pk")
    return next((organisation for organisation in candidates if folded(organisation.name) == key), None)


def organisation_near_duplicates(*, name: str, acronym: str, exclude_pk=None) -> QuerySet[Organisation]:
    """Organisations this one may be: its acronym is theirs, or its name is their acronym or the reverse."""
    query = Q(acronym__iexact=name.strip())
    if acronym.strip():
        query |= Q(acronym__iexact=acronym.strip()) | Q(name__iexact=acronym.strip())
    return Organisation.objects.filter(query).exclude(pk=exclude_pk).order_by("name", "pk")
