"""Officer pages for one person's personal data: a JSON export and erasure (visits/privacy.py).

The person is fetched through ``participants_for_officer``, so anyone outside the officer's
reach answers 404 like every other object URL.
"""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from delegations.selectors import participants_for_officer
from officers.roles import officer_required

from .forms import ParticipantEraseForm
from .services import participant_erase, participant_export_data


@officer_required
@never_cache
def participant_export(request, pk: int):
    participant = get_object_or_404(participants_for_officer(request.user), pk=pk)
    data = participant_export_data(participant)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"personal-data-{slugify(participant.full_name)[:60] or 'participant'}-{participant.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@officer_required
def participant_erase_confirm(request, pk: int):
    participant = get_object_or_404(participants_for_officer(request.user), pk=pk)
    form = ParticipantEraseForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        name = participant.full_name
        participant_erase(participant, by=request.user)
        messages.success(request, _("%(name)s was erased: only anonymous roster entries remain.") % {"name": name})
        return redirect("delegations:participant_detail", participant.pk)
    return render(
        request,
        "privacy/erase.html",
        {
            "participant": participant,
            "form": form,
            "cancel_url": reverse("delegations:participant_detail", args=[participant.pk]),
        },
        status=400 if form.errors else 200,
    )
