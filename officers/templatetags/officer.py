from django import template

from ..history import reason_label as _reason_label
from ..roles import is_officer as _is_officer

register = template.Library()


@register.simple_tag
def is_officer(user) -> bool:
    return _is_officer(user)


@register.filter
def reason_label(reason) -> str:
    """A history record's reason ("cloned", "status: done") in the page's language."""
    return _reason_label(reason)
