"""The officer's side of delegate access: invitations, calendar links, members' own travel, letters.

Every view first fetches the visit through ``visits_for_officer`` (or the programme
through ``programmes_for_officer``), so an officer of another programme gets a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delegations.models import DelegationMember, Invitation
from delegations.services import delegation_member_invite, invitation_state
from officers.forms import add_service_errors
from officers.roles import officer_confirmed
from pagecache.pages import cached_page
from visits.models import StudyVisit
from visits.selectors import programmes_for_officer, visits_for_officer

from ..forms import AccommodationForm, InvitationLetterTemplateForm, PersonalTravelForm
from ..letters import letter_pdf_response
from ..models import Accommodation, CalendarFeedToken, InvitationLetterTemplate, PersonalTravel
from ..services import calendar_feed_token_create, calendar_feed_token_revoke, invitation_letter_template_save
from .my import own_record_edit

OFFICER_NEW_FEED_LINK_SESSION_KEY = "delegate_access:new_feed_link"
LETTER_LANGUAGES = sorted(code for code, _name in settings.LANGUAGES)


def _letter_stamp(language: str) -> str:
    return f"has_letter_{language.replace('-', '_')}"


def _officer_visit(request, pk: int, **annotations) -> StudyVisit:
    visits = visits_for_officer(request.user).select_related("programme__organiser").annotate(**annotations)
    visit = get_object_or_404(visits, pk=pk)
    # Reached through visits_for_officer: the navigation need not ask whether they are an officer.
    officer_confirmed(request.user)
    return visit


def _visit_member(visit: StudyVisit, member_pk: int) -> DelegationMember:
    return get_object_or_404(
        DelegationMember.objects.select_related("participant__home_city", "participant__organisation"),
        pk=member_pk,
        delegation_id=visit.delegation_id,
    )


@cached_page(unless_session=(OFFICER_NEW_FEED_LINK_SESSION_KEY,))
@login_required
def visit_delegates(request, pk: int):
    letters = {
        _letter_stamp(code): Exists(
            InvitationLetterTemplate.objects.filter(programme=OuterRef("programme"), language=code)
        )
        for code in LETTER_LANGUAGES
    }
    visit = _officer_visit(request, pk, **letters)
    members = (
        DelegationMember.objects.filter(delegation_id=visit.delegation_id)
        .select_related("participant__organisation", "participant__user")
        .prefetch_related(
            Prefetch("invitations", queryset=Invitation.objects.order_by("-created_at", "-pk"), to_attr="sent"),
            Prefetch(
                "participant__personal_travel",
                queryset=PersonalTravel.objects.filter(visit=visit),
                to_attr="visit_travel",
            ),
            Prefetch(
                "participant__accommodations",
                queryset=Accommodation.objects.filter(visit=visit).select_related("city"),
                to_attr="visit_stays",
            ),
        )
        .annotate(
            has_active_feed=Exists(
                CalendarFeedToken.objects.filter(participant=OuterRef("participant"), revoked_at__isnull=True)
            )
        )
        .order_by("participant__last_name", "participant__first_name")
    )
    rows = []
    for member in members:
        last = member.sent[0] if member.sent else None
        rows.append({"member": member, "invitation": last, "invitation_state": invitation_state(last) if last else ""})
    new_feed = request.session.pop(OFFICER_NEW_FEED_LINK_SESSION_KEY, None)
    return render(
        request,
        "trips/delegate_access/visit_delegates.html",
        {
            "visit": visit,
            "rows": rows,
            "letter_languages": [code for code in LETTER_LANGUAGES if getattr(visit, _letter_stamp(code))],
            "new_feed": new_feed,
        },
    )


@login_required
@require_POST
def member_invite(request, pk: int, member_pk: int):
    visit = _officer_visit(request, pk)
    member = _visit_member(visit, member_pk)
    try:
        delegation_member_invite(member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": member.participant.email})
    return redirect("delegate_access:visit_delegates", visit.pk)


@login_required
@require_POST
def member_feed(request, pk: int, member_pk: int):
    visit = _officer_visit(request, pk)
    member = _visit_member(visit, member_pk)
    action = request.POST.get("action")
    if action == "revoke":
        calendar_feed_token_revoke(member.participant)
        messages.success(request, _("The calendar link of %(name)s is revoked.") % {"name": member.participant})
    elif action == "create":
        _feed, token = calendar_feed_token_create(member.participant, by=request.user)
        request.session[OFFICER_NEW_FEED_LINK_SESSION_KEY] = {
            "name": member.participant.full_name,
            "url": request.build_absolute_uri(reverse("my:feed", args=[token])),
        }
    else:
        messages.error(request, _("Choose whether to create or revoke the calendar link."))
    return redirect("delegate_access:visit_delegates", visit.pk)


@login_required
def member_travel_edit(request, pk: int, member_pk: int, travel_pk: int | None = None):
    visit = _officer_visit(request, pk)
    member = _visit_member(visit, member_pk)
    return own_record_edit(
        request,
        visit=visit,
        participant=member.participant,
        model=PersonalTravel,
        form_class=PersonalTravelForm,
        record_pk=travel_pk,
        done_url=reverse("delegate_access:visit_delegates", args=[visit.pk]),
    )


@login_required
def member_stay_edit(request, pk: int, member_pk: int, stay_pk: int | None = None):
    visit = _officer_visit(request, pk)
    member = _visit_member(visit, member_pk)
    return own_record_edit(
        request,
        visit=visit,
        participant=member.participant,
        model=Accommodation,
        form_class=AccommodationForm,
        record_pk=stay_pk,
        done_url=reverse("delegate_access:visit_delegates", args=[visit.pk]),
    )


@login_required
def member_letter_pdf(request, pk: int, member_pk: int, language: str):
    visit = _officer_visit(request, pk)
    member = _visit_member(visit, member_pk)
    template = get_object_or_404(InvitationLetterTemplate, programme_id=visit.programme_id, language=language)
    return letter_pdf_response(visit, member.participant, template)


@login_required
def letter_templates(request, programme_pk: int):
    programme = get_object_or_404(programmes_for_officer(request.user), pk=programme_pk)
    templates = {template.language: template for template in programme.letter_templates.all()}
    return render(
        request,
        "trips/delegate_access/letter_templates.html",
        {"programme": programme, "templates": templates},
    )


@login_required
def letter_template_edit(request, programme_pk: int, language: str):
    programme = get_object_or_404(programmes_for_officer(request.user), pk=programme_pk)
    if language not in dict(settings.LANGUAGES):
        raise Http404
    instance = InvitationLetterTemplate.objects.filter(programme=programme, language=language).first()
    if instance is None:
        instance = InvitationLetterTemplate(programme=programme, language=language)
    form = InvitationLetterTemplateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_letter_template_save(form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The invitation letter is saved."))
            return redirect("delegate_access:letter_templates", programme.pk)
    return render(
        request,
        "trips/delegate_access/letter_template_form.html",
        {"programme": programme, "form": form, "language": language},
    )
