"""Officer pages of participants, delegations and their rosters.

Objects are fetched through ``delegations.selectors``, so a person or a group outside
the officer's programmes answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.selectors import address_bounce
from officers.forms import MergeForm, add_service_errors
from officers.history import history_entries
from officers.merge import referenced
from officers.roles import officer_required
from officers.views import OfficerListView, form_page
from pagecache.pages import cached_page

from .. import services
from ..filters import DelegationFilter, ParticipantFilter
from ..forms import DelegationForm, JoinRequestForm, MemberAddForm, MemberForm, ParticipantForm
from ..models import Delegation, DelegationMember, Participant
from ..selectors import delegations_for_officer, participants_for_officer, roster_for_delegation


class ParticipantListView(OfficerListView):
    filterset_class = ParticipantFilter
    template_name = "delegations/participant_list.html"

    def get_base_queryset(self):
        return participants_for_officer(self.request.user).order_by("last_name", "first_name", "pk")


@cached_page
@officer_required
def participant_detail(request, pk: int):
    participant = get_object_or_404(
        participants_for_officer(request.user).annotate(referenced=referenced(Participant)), pk=pk
    )
    memberships = (
        participant.memberships.filter(delegation__in=delegations_for_officer(request.user))
        .select_related("delegation")
        .order_by("delegation__name")
    )
    context = {
        "participant": participant,
        "memberships": memberships,
        "history": history_entries(Participant.history.filter(id=participant.pk)),
        "bounce": address_bounce(participant.email),
        "deletable": not participant.referenced,
    }
    return render(request, "delegations/participant_detail.html", context)


@officer_required
def participant_edit(request, pk: int | None = None):
    participant = get_object_or_404(participants_for_officer(request.user), pk=pk) if pk else None
    form = ParticipantForm(request.POST or None, instance=participant, user=request.user)
    if form.is_valid():
        if participant:
            participant = services.participant_update(participant, by=request.user, **form.cleaned_data)
        else:
            participant = services.participant_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Participant saved."))
        return redirect("delegations:participant_detail", participant.pk)
    title = _("Edit %(name)s") % {"name": participant.full_name} if participant else _("New participant")
    join_url = None
    if form.email_taken_elsewhere:
        join_url = (
            reverse("delegations:participant_join_request") + "?" + urlencode({"email": form.data.get("email", "")})
        )
    return form_page(
        request,
        form,
        title=title,
        cancel_url=reverse("delegations:participant_list"),
        template="delegations/participant_form_page.html",
        extra={"join_url": join_url},
    )


@officer_required
def participant_join_request(request):
    """Ask the owner of an address to join a delegation; the answer is the same whoever owns it.

    See ``services.participant_join_request`` for why the officer learns nothing here.
    """
    form = JoinRequestForm(request.POST or None, user=request.user, initial={"email": request.GET.get("email", "")})
    if form.is_valid():
        delegation = form.cleaned_data["delegation"]
        services.participant_join_request(form.cleaned_data["email"], delegation=delegation, by=request.user)
        messages.success(
            request,
            _(
                "If this address belongs to someone in the directory who is not yet on the roster of %(delegation)s, "
                "they have been emailed an invitation to join it. They appear on the roster once they accept."
            )
            % {"delegation": delegation.name},
        )
        return redirect("delegations:delegation_detail", delegation.pk)
    return form_page(
        request,
        form,
        title=_("Ask someone to join your delegation"),
        cancel_url=reverse("delegations:participant_list"),
        submit=_("Send the invitation"),
        intro=_(
            "The person gets an email naming you and the delegation, with a link to join it. "
            "You see their details once they have joined."
        ),
    )


class DelegationListView(OfficerListView):
    filterset_class = DelegationFilter
    template_name = "delegations/delegation_list.html"

    def get_base_queryset(self):
        return (
            delegations_for_officer(self.request.user)
            .prefetch_related("home_cities")
            .annotate(member_count=Count("members", distinct=True))
            .order_by("name", "pk")
        )


def _delegation_page(request, delegation, *, add_form=None, status=200):
    context = {
        "delegation": delegation,
        "roster": [
            (member, MemberForm(instance=member, prefix=f"m{member.pk}"))
            for member in roster_for_delegation(delegation)
        ],
        "add_form": add_form or MemberAddForm(user=request.user, instance=DelegationMember(delegation=delegation)),
        "visits": delegation.visits.select_related("programme").order_by("-starts_on"),
        "history": history_entries(
            Delegation.history.filter(id=delegation.pk),
            DelegationMember.history.filter(delegation_id=delegation.pk).select_related("participant"),
        ),
    }
    return render(request, "delegations/delegation_detail.html", context, status=status)


@cached_page
@officer_required
def delegation_detail(request, pk: int):
    delegation = get_object_or_404(delegations_for_officer(request.user).prefetch_related("home_cities"), pk=pk)
    return _delegation_page(request, delegation)


@officer_required
def delegation_edit(request, pk: int | None = None):
    delegation = get_object_or_404(delegations_for_officer(request.user), pk=pk) if pk else None
    form = DelegationForm(request.POST or None, instance=delegation, user=request.user)
    if form.is_valid():
        if delegation:
            delegation = services.delegation_update(delegation, by=request.user, **form.cleaned_data)
        else:
            delegation = services.delegation_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Delegation saved."))
        return redirect("delegations:delegation_detail", delegation.pk)
    title = _("Edit %(name)s") % {"name": delegation.name} if delegation else _("New delegation")
    return form_page(request, form, title=title, cancel_url=reverse("delegations:delegation_list"))


@officer_required
@require_POST
def member_add(request, pk: int):
    delegation = get_object_or_404(delegations_for_officer(request.user).prefetch_related("home_cities"), pk=pk)
    form = MemberAddForm(request.POST, user=request.user, instance=DelegationMember(delegation=delegation))
    if form.is_valid():
        member = services.delegation_member_add(delegation, by=request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s added to the roster.") % {"name": member.participant.full_name})
        return redirect(reverse("delegations:delegation_detail", args=[pk]) + "#roster")
    return _delegation_page(request, delegation, add_form=form, status=400)


def _officer_member(request, pk: int, member_pk: int) -> DelegationMember:
    return get_object_or_404(
        DelegationMember.objects.select_related("participant").filter(
            delegation__in=delegations_for_officer(request.user)
        ),
        delegation=pk,
        pk=member_pk,
    )


@officer_required
@require_POST
def member_edit(request, pk: int, member_pk: int):
    member = _officer_member(request, pk, member_pk)
    form = MemberForm(request.POST, instance=member, prefix=f"m{member.pk}")
    if form.is_valid():
        services.delegation_member_update(member, by=request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s: role and status saved.") % {"name": member.participant.full_name})
    else:
        messages.error(request, _("Choose a role and a status from the lists."))
    return redirect(reverse("delegations:delegation_detail", args=[pk]) + "#roster")


@officer_required
@require_POST
def member_remove(request, pk: int, member_pk: int):
    member = _officer_member(request, pk, member_pk)
    services.delegation_member_remove(member, by=request.user)
    messages.success(request, _("%(name)s removed from the roster.") % {"name": member.participant.full_name})
    return redirect(reverse("delegations:delegation_detail", args=[pk]) + "#roster")


@officer_required
def participant_merge(request, pk: int):
    """Merge a person into another; both within the officer's reach (``participants_for_officer``)."""
    reach = participants_for_officer(request.user)
    participant = get_object_or_404(reach, pk=pk)
    form = MergeForm(
        request.POST or None, queryset=reach.exclude(pk=participant.pk).order_by("last_name", "first_name")
    )
    if form.is_valid():
        into = form.cleaned_data["into"]
        try:
            services.participant_merge(participant, into=into, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(old)s merged into %(into)s.") % {"old": participant, "into": into})
            return redirect(into.get_absolute_url())
    intro = _(
        "Rosters, travel, stays and follow-ups of %(name)s move to the person you keep, who also takes "
        "the details they lack; %(name)s is deleted. The history of what moved says it was merged."
    ) % {"name": participant}
    return form_page(
        request,
        form,
        title=_("Merge %(name)s into…") % {"name": participant},
        cancel_url=participant.get_absolute_url(),
        submit=_("Merge"),
        intro=intro,
    )


@officer_required
@require_POST
def participant_delete(request, pk: int):
    participant = get_object_or_404(participants_for_officer(request.user), pk=pk)
    try:
        services.participant_delete(participant, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(participant.get_absolute_url())
    messages.success(request, _("%(name)s deleted.") % {"name": participant})
    return redirect("delegations:participant_list")
