"""Links a phone acts on: a number to call and an address for its map app.

``tel:`` keeps the digits and a leading ``+`` only (RFC 3966 allows visual separators, but
some dialers refuse them). ``geo:0,0?q=`` (RFC 5870 with the Android query extension) opens
the phone's own map app at an address; the web map link beside it is the fallback for
browsers that know no ``geo:`` handler. Nothing here fetches anything.
"""

import re
from urllib.parse import quote

from django import template

register = template.Library()

_NOT_DIALLED = re.compile(r"[^\d+]")


@register.filter
def tel_href(number: str) -> str:
    """``tel:+16155550100`` from ``+1 (615) 555-0100``; ``""`` when there is no digit."""
    digits = _NOT_DIALLED.sub("", number or "")
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if any(char.isdigit() for char in digits) else ""


def _query(address: str, city: str) -> str:
    return quote(", ".join(part for part in (address.strip(), city.strip()) if part), safe="")


@register.filter
def geo_href(address: str, city: str = "") -> str:
    """``geo:0,0?q=<address, city>``: the phone's map app searches the address."""
    return f"geo:0,0?q={_query(address or '', city or '')}"


@register.filter
def web_map_href(address: str, city: str = "") -> str:
    """The same search on openstreetmap.org, for browsers without a map app."""
    return f"https://www.openstreetmap.org/search?query={_query(address or '', city or '')}"
