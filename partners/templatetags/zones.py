"""Times in a place's zone, each with its own abbreviation, the repeated hour included.

Django's ``date:"T"`` prints nothing for a time the clocks pass twice (01:30 on the night
summer time ends), because a zone name alone cannot tell the two apart; the datetime
itself can (``fold``), so these ask it. Use them inside ``{% timezone %}``.
"""

import datetime as dt
import re
from functools import cache

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html, format_html_join

register = template.Library()

_UNESCAPED_T = re.compile(r"(?<!\\)T")


def _escaped(text: str) -> str:
    return "".join(f"\\{char}" for char in text)


@register.filter(expects_localtime=True)
def zoned(value, arg="H:i T"):
    """Django's ``date`` filter, with ``T`` right in the repeated hour (``01:30 CDT``, then ``01:30 CST``)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        arg = _UNESCAPED_T.sub(lambda _match: _escaped(value.tzname() or ""), arg)
    return date_filter(value, arg)


@register.simple_tag
def time_range(starts_at, ends_at, start_format="H:i", end_format="H:i", html=False):
    """``09:00–10:00 CST`` in the current zone; each end with its own abbreviation when they differ.

    Across the change that reads ``01:30 CDT–01:00 CST``.

    ``html=True`` wraps each abbreviation in ``<abbr class="zone">`` titled with the zone's name.
    """
    zone = timezone.get_current_timezone()
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    start_abbr, end_abbr = start.tzname(), end.tzname()

    def abbr(name):
        if html:
            return format_html(' <abbr class="zone" title="{}">{}</abbr>', str(zone), name)
        return format_html(" {}", name)

    start_text = date_filter(start, start_format)
    end_text = date_filter(end, end_format)
    if start_abbr == end_abbr:
        return format_html("{}–{}{}", start_text, end_text, abbr(end_abbr))
    return format_html("{}{}–{}{}", start_text, abbr(start_abbr), end_text, abbr(end_abbr))


@cache
def _zone_datalist(zones: tuple[str, ...]):
    return format_html(
        '<datalist id="time-zones">{}</datalist>', format_html_join("", '<option value="{}">', ((z,) for z in zones))
    )


@register.simple_tag
def zone_datalist(zones):
    """The ``<datalist id="time-zones">`` a zone picker searches: 600 options, rendered once per process."""
    return _zone_datalist(tuple(zones)) if zones else ""
