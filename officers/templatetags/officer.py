from django import template

from ..roles import is_officer as _is_officer

register = template.Library()


@register.simple_tag
def is_officer(user) -> bool:
    return _is_officer(user)
