"""The person's side of a join request: the signed link from the email, no sign-in needed."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import services


@never_cache
def join_accept(request, token: str):
    """Show who asks and for which delegation; a POST puts the person on its roster as invited."""
    found = services.join_request_for_token(token)
    if found is None:
        raise Http404
    participant, delegation, by = found
    member = delegation.members.filter(participant=participant).first()
    if request.method == "POST":
        if member is None:
            services.participant_join_accept(participant, delegation=delegation, by=by)
        return redirect(request.path)
    sender = (by.get_full_name() or by.email) if by else _("A programme officer")
    context = {"participant": participant, "delegation": delegation, "member": member, "sender": sender}
    return render(request, "delegations/join_accept.html", context)
