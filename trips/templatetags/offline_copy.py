"""``{% offline_copy_urls as urls %}``: the delegate pages this page asks the phone to keep."""

from django import template

from ..offline import offline_urls

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_copy_urls(context) -> list[str]:
    """From ``offline_visits`` (the visit list passes all the person's visits), else the page's
    own ``visit``; both were fetched through a delegate selector by the view."""
    visits = context.get("offline_visits")
    if visits is None:
        visit = context.get("visit")
        visits = [visit] if visit is not None else []
    return offline_urls(visits)
