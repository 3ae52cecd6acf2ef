"""The outbox pages, for any object messages are about.

These are not routed here: the app that owns the object checks the user's access to it,
then calls these views with it (see ``visits/outbox_views.py``). ``url_names`` names
the caller's routes for ``list``, ``preview``, ``cancel`` and ``resend``, each taking
the object's pk (and the message's pk for the last three).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Notification
from .selectors import notifications_about
from .services import notification_cancel, notification_resend


def outbox_page(
    request,
    *,
    about: models.Model,
    url_names: dict,
    back_url: str,
    header_template: str = "",
    header_context: dict | None = None,
) -> HttpResponse:
    """Who got what about ``about``, when, and what failed with which reason.

    ``header_template`` (with ``header_context``) is the caller's word above the list, such as
    what is waiting to be sent about the object and when it will go.
    """
    rows = notifications_about(about)
    status = request.GET.get("status", "")
    if status in Notification.Status.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "notifications/outbox.html",
        {
            "about": about,
            "notifications": rows,
            "statuses": Notification.Status.choices,
            "status": status,
            "url_names": url_names,
            "back_url": back_url,
            "header_template": header_template,
            **(header_context or {}),
        },
    )


def notification_preview_page(
    request, *, about: models.Model, notification_id: int, url_names: dict, back_url: str
) -> HttpResponse:
    """One message as it was (or will be) sent: headers, plain text, HTML and attachments."""
    notification = get_object_or_404(notifications_about(about), pk=notification_id)
    return render(
        request,
        "notifications/preview.html",
        {"about": about, "notification": notification, "url_names": url_names, "back_url": back_url},
    )


@require_POST
def notification_cancel_action(request, *, about: models.Model, notification_id: int, url_names: dict):
    """Cancel a queued message, then back to the outbox with a word on what happened."""
    notification = get_object_or_404(notifications_about(about), pk=notification_id)
    try:
        notification_cancel(notification, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message to %(to)s is cancelled.") % {"to": notification.to_email})
    return redirect(reverse(url_names["list"], args=[about.pk]))


@require_POST
def notification_resend_action(request, *, about: models.Model, notification_id: int, url_names: dict):
    """Queue a sent or failed message again as a new message linked to the original."""
    notification = get_object_or_404(notifications_about(about), pk=notification_id)
    try:
        notification_resend(notification, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message to %(to)s is queued again.") % {"to": notification.to_email})
    return redirect(reverse(url_names["list"], args=[about.pk]))
