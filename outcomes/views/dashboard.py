"""The officer's dashboard: current visits, open and overdue follow-ups, recent changes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from officers.roles import is_officer
from pagecache.pages import cached_page
from visits.selectors import current_visits_for_officer

from ..selectors import open_follow_ups_for_officer, recent_changes_for_officer


@cached_page
@login_required
def home(request):
    """The officer's dashboard; a delegate goes to their own visits."""
    if not is_officer(request.user):
        return redirect("my:visit_list")
    today = timezone.localdate()
    current = list(current_visits_for_officer(request.user, today=today)[:20])
    overdue, open_follow_ups = open_follow_ups_for_officer(request.user, today=today)
    context = {
        "today": today,
        "ongoing": [visit for visit in current if visit.starts_on <= today],
        "upcoming": [visit for visit in current if visit.starts_on > today],
        "overdue": overdue,
        "open_follow_ups": open_follow_ups,
        "changes": recent_changes_for_officer(request.user),
    }
    return render(request, "outcomes/dashboard.html", context)
