"""``{% offline_copy_urls as urls %}``: the delegate pages this page asks the phone to keep."""

from django import template

from ..offline import offline_urls

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_copy_urls(context) -> dict:
    """From ``offline_visits`` (the visit list passes all the person's visits: the list is then
    ``complete``, and the phone drops copies it no longer names), else the page's own ``visit``;
    both were fetched through a delegate selector by the view."""
    visits = context.get("offline_visits")
    if visits is not None:
        return {"urls": offline_urls(visits), "complete": True}
    visit = context.get("visit")
    return {"urls": offline_urls([visit] if visit is not None else []), "complete": False}
