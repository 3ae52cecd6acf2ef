"""The officers' messages to a visit's delegation: compose, preview (who, in which language, one
sample per language), send through the outbox, and the record of what was sent.

The visit comes through ``visits_for_officer``: outside the officer's programmes, 404. One page
composes and previews (``action=preview``); sending (``action=send``) carries the preview's
fingerprint, so only what the officer saw goes out.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from officers.forms import add_service_errors
from pagecache.pages import cached_page
from visits.selectors import visits_for_officer

from ..forms import DelegationMessageForm
from ..services import delegation_message_plan, delegation_message_send


def _visit(request, pk: int):
    return get_object_or_404(visits_for_officer(request.user), pk=pk)


@cached_page
@login_required
@require_GET
def message_list(request, pk: int):
    visit = _visit(request, pk)
    records = visit.delegation_messages.select_related("by", "city")
    return render(request, "trips/delegation_messages/list.html", {"visit": visit, "records": records})


@login_required
def message_compose(request, pk: int):
    visit = _visit(request, pk)
    form = DelegationMessageForm(request.POST or None, visit=visit)
    plan = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            message = form.save(commit=False)
            message.by = request.user
            if request.POST.get("action") == "send":
                try:
                    sent = delegation_message_send(message, previewed=request.POST.get("previewed", ""))
                except ValidationError as error:
                    add_service_errors(form, error)  # and below, the preview of what sending would do now
                else:
                    text = ngettext(
                        "Your message is in the outbox for %(count)d delegate.",
                        "Your message is in the outbox for %(count)d delegates.",
                        sent.recipient_count,
                    )
                    messages.success(request, text % {"count": sent.recipient_count})
                    return redirect("delegation_messages:list", pk=visit.pk)
            try:
                plan = delegation_message_plan(message)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                status = 400 if form.errors else 200
    return render(
        request, "trips/delegation_messages/compose.html", {"visit": visit, "form": form, "plan": plan}, status=status
    )
