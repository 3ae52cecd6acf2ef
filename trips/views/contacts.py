"""The delegate's contacts sheet for one visit: whom to call and where to go, kept on the phone.

The visit comes through ``visits_for_delegate``, so another person's visit answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from delegations.models import Participant
from pagecache.pages import cached_page
from visits.selectors import visits_for_delegate

from ..offline import offline_copy
from ..selectors import contacts_for_delegate


@cached_page
@login_required
@require_GET
@offline_copy
def visit_contacts(request, pk: int):
    participant = Participant.objects.filter(user=request.user).first()
    if participant is None:
        raise Http404
    visit = get_object_or_404(visits_for_delegate(request.user).select_related("delegation__head__organisation"), pk=pk)
    context = {"visit": visit, "participant": participant, "contacts": contacts_for_delegate(visit, participant)}
    return render(request, "trips/my/contacts.html", context)
