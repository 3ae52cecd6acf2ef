"""The delegate's own record: their needs and emergency contact, and their invitation letters.

The person is the signed-in user's participant; a letter's visit comes through
``visits_for_delegate``, so another delegate's visit answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from delegations.models import Participant
from delegations.services import participant_own_record_update
from pagecache.pages import cached_page
from visits.selectors import visits_for_delegate

from ..forms import OwnRecordForm
from ..letters import letter_pdf_response
from ..models import InvitationLetterTemplate


def _own_participant(user) -> Participant:
    participant = Participant.objects.select_related("organisation").filter(user=user).first()
    if participant is None:
        raise Http404
    return participant


@cached_page
@login_required
def profile(request):
    participant = _own_participant(request.user)
    form = OwnRecordForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        participant_own_record_update(participant, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved. The programme's officers see your changes."))
        return redirect("my:profile")
    visits = visits_for_delegate(request.user).prefetch_related(
        Prefetch("programme__letter_templates", queryset=InvitationLetterTemplate.objects.order_by("language"))
    )
    letters = [
        (visit, template)
        for visit in visits.order_by("starts_on", "pk")
        for template in visit.programme.letter_templates.all()
    ]
    return render(request, "trips/my/profile.html", {"participant": participant, "form": form, "letters": letters})


@login_required
@require_GET
def letter_pdf(request, pk: int, language: str):
    participant = _own_participant(request.user)
    visit = get_object_or_404(visits_for_delegate(request.user).select_related("programme__organiser"), pk=pk)
    template = get_object_or_404(InvitationLetterTemplate, programme_id=visit.programme_id, language=language)
    return letter_pdf_response(visit, participant, template)
