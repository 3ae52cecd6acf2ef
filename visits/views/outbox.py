"""A visit's outbox for its programme officers: the access check here, the pages in notifications."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from notifications import views as outbox
from pagecache.pages import cached_page

from ..selectors import visits_for_officer

URL_NAMES = {
    "list": "outbox:list",
    "preview": "outbox:preview",
    "cancel": "outbox:cancel",
    "resend": "outbox:resend",
}


def _visit(request, pk: int):
    return get_object_or_404(visits_for_officer(request.user), pk=pk)


@cached_page
@login_required
def visit_outbox(request, pk: int):
    visit = _visit(request, pk)
    return outbox.outbox_page(request, about=visit, url_names=URL_NAMES, back_url=visit.get_absolute_url())


@login_required
def visit_outbox_preview(request, pk: int, notification_id: int):
    visit = _visit(request, pk)
    return outbox.notification_preview_page(
        request, about=visit, notification_id=notification_id, url_names=URL_NAMES, back_url=visit.get_absolute_url()
    )


@login_required
def visit_outbox_cancel(request, pk: int, notification_id: int):
    return outbox.notification_cancel_action(
        request, about=_visit(request, pk), notification_id=notification_id, url_names=URL_NAMES
    )


@login_required
def visit_outbox_resend(request, pk: int, notification_id: int):
    return outbox.notification_resend_action(
        request, about=_visit(request, pk), notification_id=notification_id, url_names=URL_NAMES
    )
