"""A visit's outbox for its programme officers: the access check here, the pages in notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from notifications import views as outbox
from pagecache.pages import cached_page

from ..models import StudyVisit
from ..selectors import digest_schedule_for_visit, visits_for_officer
from ..services import visit_digest_send_now

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
    digest = digest_schedule_for_visit(visit) if visit.status == StudyVisit.Status.PUBLISHED else None
    return outbox.outbox_page(
        request,
        about=visit,
        url_names=URL_NAMES,
        back_url=visit.get_absolute_url(),
        header_template="visits/_digest_status.html",
        header_context={"visit": visit, "digest": digest, "on_outbox": True},
    )


@login_required
@require_POST
def visit_outbox_digest_send(request, pk: int):
    """ "Send the digest now": the pending itinerary changes, told without waiting for quiet or for beat."""
    visit = _visit(request, pk)
    if visit.status != StudyVisit.Status.PUBLISHED:
        messages.error(request, _("Only a published visit has a change digest."))
    else:
        queued = visit_digest_send_now(visit)
        if queued:
            message = ngettext(
                "The change digest is in the outbox: %(count)d message.",
                "The change digest is in the outbox: %(count)d messages.",
                queued,
            )
            messages.success(request, message % {"count": queued})
        else:
            messages.info(request, _("No change was waiting for a digest: nothing was sent."))
    return redirect("outbox:list", pk=visit.pk)


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
