"""Safety check-ins: the delegate's two buttons, the one-time link from a request, and the
officer's live board and request form.

The delegate's visit comes through ``visits_for_delegate``, the officer's through
``visits_for_officer``: a visit outside reach answers 404. The link page needs no sign-in:
its token is the key (unknown: 404; used or expired: 410).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from delegations.models import Participant
from officers.forms import add_service_errors
from visits.selectors import visits_for_delegate, visits_for_officer

from ..forms import CheckInForm, CheckInRequestForm
from ..models import CheckIn, CheckInRequest
from ..selectors import (
    CheckInLinkState,
    check_in_board_for_visit,
    check_in_link_for_token,
    check_in_link_state,
    current_visit_for_delegate,
    where_now_for_visit,
)
from ..services import check_in_link_answer, check_in_record, check_in_request_send

ANSWERED_SESSION_KEY = "check_ins:answered"


def _thanks(status: str) -> str:
    if status == CheckIn.Status.NEEDS_HELP:
        return _("Your programme officers have been alerted. Keep your phone with you; they will contact you.")
    return _("Thank you: your programme officers see that you are safe.")


@login_required
@require_GET
def current(request):
    """ "Check in" in the menu: the check-in page of the visit under way (else the next one)."""
    visit = current_visit_for_delegate(visits_for_delegate(request.user), today=timezone.localdate())
    if visit is None:
        raise Http404
    return redirect("check_ins:mine", pk=visit.pk)


@login_required
def mine(request, pk: int):
    participant = Participant.objects.select_related("home_city").filter(user=request.user).first()
    if participant is None:
        raise Http404
    visit = get_object_or_404(visits_for_delegate(request.user), pk=pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check_in = check_in_record(visit, participant, **form.cleaned_data)
        messages.success(request, _thanks(check_in.status))
        return redirect("check_ins:mine", pk=visit.pk)
    where = where_now_for_visit(visit, [participant], now=timezone.now())[participant.pk]
    latest = CheckIn.objects.filter(visit=visit, participant=participant).first()
    return render(
        request,
        "trips/check_ins/check_in.html",
        {"visit": visit, "participant": participant, "form": form, "where": where, "latest": latest},
    )


@never_cache
def answer(request, token: str):
    """The one-time link of a check-in request: works without signing in, once, until it expires."""
    link = check_in_link_for_token(token)
    if link is None:
        raise Http404
    state = check_in_link_state(link, now=timezone.now())
    if state != CheckInLinkState.VALID:
        return render(request, "trips/check_ins/link_invalid.html", {"state": state}, status=410)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_in = check_in_link_answer(link, **form.cleaned_data)
        except ValidationError:
            return render(request, "trips/check_ins/link_invalid.html", {"state": CheckInLinkState.USED}, status=410)
        request.session[ANSWERED_SESSION_KEY] = check_in.status
        return redirect("check_ins:answered")
    visit = link.request.visit
    where = where_now_for_visit(visit, [link.participant], now=timezone.now())[link.participant_id]
    return render(
        request,
        "trips/check_ins/check_in.html",
        {"visit": visit, "participant": link.participant, "form": form, "where": where, "by_link": True},
    )


@require_GET
def answered(request):
    """After a link's answer (the link itself is used up): what happens next."""
    status = request.session.get(ANSWERED_SESSION_KEY)
    if status is None:
        return redirect("account_login")
    return render(request, "trips/check_ins/answered.html", {"status": status, "thanks": _thanks(status)})


@login_required
@require_GET
def board(request, pk: int):
    visit = get_object_or_404(visits_for_officer(request.user).select_related("programme"), pk=pk)
    latest_request, rows = check_in_board_for_visit(visit, now=timezone.now())
    counts = {status: sum(1 for row in rows if row.answer == status) for status in ("needs_help", "none", "safe")}
    return render(
        request,
        "trips/check_ins/board.html",
        {"visit": visit, "latest_request": latest_request, "rows": rows, "counts": counts},
    )


@login_required
def request_send(request, pk: int):
    visit = get_object_or_404(visits_for_officer(request.user), pk=pk)
    form = CheckInRequestForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        try:
            sent = check_in_request_send(visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = sent.links.count()
            message = ngettext(
                "Check-in request sent to %(count)s delegate.", "Check-in request sent to %(count)s delegates.", count
            )
            messages.success(request, message % {"count": count})
            return redirect("check_ins:board", pk=visit.pk)
    return render(
        request,
        "trips/check_ins/request_form.html",
        {"visit": visit, "form": form, "scope_city": CheckInRequest.Scope.CITY},
    )
