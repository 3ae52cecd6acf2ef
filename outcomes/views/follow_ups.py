"""The follow-up board and follow-up forms."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from officers.history import history_entries
from officers.roles import officer_required
from officers.views import RememberedFilters, form_page, query_id, styled_filterset
from pagecache.pages import cached_page

from .. import services
from ..filters import FollowUpFilter
from ..forms import FollowUpForm, FollowUpStatusForm
from ..models import FollowUp
from ..selectors import follow_ups_for_officer


@cached_page(vary_on_session=(RememberedFilters.SESSION_KEY,))
@officer_required
def follow_up_board(request):
    """Follow-ups in one column per status, filtered (and the filters remembered) like any list."""
    remembered = RememberedFilters(request, FollowUpFilter)
    if url := remembered.redirect_url():
        return redirect(url)
    filterset = styled_filterset(
        FollowUpFilter(
            request.GET or None,
            queryset=follow_ups_for_officer(request.user).order_by("due_on", "pk"),
            request=request,
        )
    )
    remembered.remember(filterset)
    follow_ups = list(filterset.qs[:400])
    today = timezone.localdate()
    for follow_up in follow_ups:
        follow_up.is_overdue = follow_up.is_overdue_on(today)
    columns = [(value, label, [f for f in follow_ups if f.status == value]) for value, label in FollowUp.Status.choices]
    visit = filterset.form.cleaned_data.get("visit") if filterset.is_bound and filterset.form.is_valid() else None
    return render(
        request,
        "outcomes/follow_up_board.html",
        {"filter": filterset, "columns": columns, "statuses": FollowUp.Status.choices, "visit": visit},
    )


@officer_required
def follow_up_edit(request, pk: int | None = None):
    follow_up = get_object_or_404(follow_ups_for_officer(request.user), pk=pk) if pk else None
    initial = {}
    if follow_up is None and (visit_id := query_id(request, "visit")):
        initial["visit"] = visit_id
    form = FollowUpForm(request.POST or None, instance=follow_up, user=request.user, initial=initial)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if follow_up:
            services.follow_up_update(follow_up, by=request.user, **data)
        else:
            services.follow_up_create(data.pop("visit"), by=request.user, **data)
        messages.success(request, _("Follow-up saved."))
        return redirect("outcomes:follow_up_board")
    title = _("Edit follow-up") if follow_up else _("New follow-up")
    history = history_entries(FollowUp.history.filter(id=follow_up.pk)) if follow_up else None
    return form_page(request, form, title=title, cancel_url=reverse("outcomes:follow_up_board"), history=history)


@officer_required
@require_POST
def follow_up_status(request, pk: int):
    follow_up = get_object_or_404(follow_ups_for_officer(request.user), pk=pk)
    form = FollowUpStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
        return redirect("outcomes:follow_up_board")
    services.follow_up_set_status(follow_up, by=request.user, status=form.cleaned_data["status"])
    messages.success(
        request,
        _("“%(title)s” moved to %(status)s.") % {"title": follow_up.title, "status": follow_up.get_status_display()},
    )
    return redirect("outcomes:follow_up_board")
