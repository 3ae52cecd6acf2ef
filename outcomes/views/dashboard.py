"""The officer's dashboard: current visits, open and overdue follow-ups, recent changes; all of the
officer's programmes or one (``?programme=<id>``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from officers.roles import is_officer
from pagecache.pages import cached_page
from visits.selectors import current_visits_for_officer

from ..forms import ProgrammeScopeForm
from ..selectors import open_follow_ups_for_officer, recent_changes_for_officer


@cached_page
@login_required
def home(request):
    """The officer's dashboard; a delegate goes to their own visits."""
    if not is_officer(request.user):
        return redirect("my:visit_list")
    today = timezone.localdate()
    scope_form = ProgrammeScopeForm(request.GET or None, user=request.user)
    programme = scope_form.scope()["programme"]
    current = current_visits_for_officer(request.user, today=today)
    if programme is not None:
        current = current.filter(programme=programme)
    current = list(current[:20])
    context = {
        "today": today,
        "scope_form": scope_form,
        "programme": programme,
        "ongoing": [visit for visit in current if visit.starts_on <= today],
        "upcoming": [visit for visit in current if visit.starts_on > today],
        "follow_ups": open_follow_ups_for_officer(request.user, today=today, programme=programme),
        "changes": recent_changes_for_officer(request.user, programme=programme),
    }
    return render(request, "outcomes/dashboard.html", context)
