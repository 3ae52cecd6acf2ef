"""Meeting notes and lessons learned (officers and the visit's delegates) and membership outcomes.

Officers of the visit's programme read and edit every note; a delegate of a published
visit adds notes and lessons and edits their own, under /my/.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from officers.forms import add_service_errors
from officers.roles import officer_confirmed
from pagecache.pages import cached_page
from visits.models import Programme
from visits.selectors import visits_for_delegate, visits_for_officer

from ..forms import ItemNoteForm, LessonForm, MembershipOutcomeForm, items_to_note
from ..models import FollowUp, ItemNote, Lesson
from ..services import follow_up_record_membership, item_note_create, item_note_update, lesson_create, lesson_update

OFFICER = "officer"
DELEGATE = "delegate"


def _visit_in_reach(request, pk: int, role: str):
    user = request.user
    if role == OFFICER:
        visit = get_object_or_404(visits_for_officer(user), pk=pk)
        officer_confirmed(user)  # within an officer's reach: the menu's check needs no query
        return visit
    # A delegate may be an officer too (the menu says which): asked in the same query as the visit.
    officer = Exists(Programme.officers.through.objects.filter(user=user.pk))
    visit = get_object_or_404(visits_for_delegate(user).annotate(user_is_officer=officer), pk=pk)
    user._is_officer = user.is_superuser or visit.user_is_officer
    return visit


def _notes_url(role: str) -> str:
    return "outcomes:visit_notes" if role == OFFICER else "outcomes:my_visit_notes"


def _may_edit(request, role: str, obj) -> bool:
    return role == OFFICER or obj.author_id == request.user.pk


@cached_page
@login_required
def visit_notes(request, pk: int, role: str = OFFICER):
    visit = _visit_in_reach(request, pk, role)
    note_form = ItemNoteForm(visit=visit, prefix="note")
    lesson_form = LessonForm(visit=visit, prefix="lesson")
    if request.method == "POST":
        if "note-item" in request.POST:
            note_form = ItemNoteForm(request.POST, visit=visit, prefix="note")
            if note_form.is_valid():
                data = note_form.cleaned_data
                item_note_create(data["item"], by=request.user, discussed=data["discussed"], met_with=data["met_with"])
                messages.success(request, _("The note was saved."))
                return redirect(_notes_url(role), pk=visit.pk)
        else:
            lesson_form = LessonForm(request.POST, visit=visit, prefix="lesson")
            if lesson_form.is_valid():
                data = lesson_form.cleaned_data
                try:
                    lesson_create(
                        visit,
                        by=request.user,
                        theme=data["theme"],
                        title=data["title"],
                        body=data["body"],
                        item=data["item"],
                    )
                except ValidationError as error:
                    add_service_errors(lesson_form, error)
                else:
                    messages.success(request, _("The lesson was saved."))
                    return redirect(_notes_url(role), pk=visit.pk)
    # Fetched once, in the forms' order: the page lists them with their notes, and both forms offer them.
    items = list(
        items_to_note(visit)
        .prefetch_related(Prefetch("notes", queryset=ItemNote.objects.select_related("author")))
        .order_by("starts_at", "ends_at", "pk")
    )
    note_form.offer_items(items)
    lesson_form.offer_items(items)
    lessons = visit.lessons.select_related("theme", "item", "author")
    return render(
        request,
        "outcomes/report/notes.html",
        {
            "visit": visit,
            "items": sorted(items, key=lambda item: (item.starts_at, item.pk)),
            "lessons": lessons,
            "note_form": note_form,
            "lesson_form": lesson_form,
            "role": role,
            "notes_url": _notes_url(role),
        },
    )


@login_required
def note_edit(request, pk: int, note_pk: int, role: str = OFFICER):
    visit = _visit_in_reach(request, pk, role)
    note = get_object_or_404(ItemNote.objects.select_related("item"), pk=note_pk, item__visit=visit)
    if not _may_edit(request, role, note):
        messages.error(request, _("Only the author of a note can change it."))
        return redirect(_notes_url(role), pk=visit.pk)
    form = ItemNoteForm(request.POST or None, instance=note, visit=visit)
    form.fields["item"].disabled = True
    if request.method == "POST" and form.is_valid():
        item_note_update(
            note, by=request.user, discussed=form.cleaned_data["discussed"], met_with=form.cleaned_data["met_with"]
        )
        messages.success(request, _("The note was saved."))
        return redirect(_notes_url(role), pk=visit.pk)
    return render(request, "outcomes/report/edit.html", {"visit": visit, "form": form, "notes_url": _notes_url(role)})


@login_required
def lesson_edit(request, pk: int, lesson_pk: int, role: str = OFFICER):
    visit = _visit_in_reach(request, pk, role)
    lesson = get_object_or_404(Lesson, pk=lesson_pk, visit=visit)
    if not _may_edit(request, role, lesson):
        messages.error(request, _("Only the author of a lesson can change it."))
        return redirect(_notes_url(role), pk=visit.pk)
    form = LessonForm(request.POST or None, instance=lesson, visit=visit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lesson_update(
                lesson, by=request.user, theme=data["theme"], title=data["title"], body=data["body"], item=data["item"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lesson was saved."))
            return redirect(_notes_url(role), pk=visit.pk)
    return render(request, "outcomes/report/edit.html", {"visit": visit, "form": form, "notes_url": _notes_url(role)})


@login_required
def follow_up_membership(request, pk: int):
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("visit", "owner_city", "owner_organisation__city", "owner_participant"),
        pk=pk,
        visit__in=visits_for_officer(request.user),
    )
    form = MembershipOutcomeForm(request.POST or None, follow_up=follow_up)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up_record_membership(
                follow_up,
                by=request.user,
                status=data["status"],
                since=data["since"],
                network=data["network"],
                city=data["city"],
                role=data["role"],
                notes=data["notes"],
                close=data.get("close_follow_up", False),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if data.get("close_follow_up"):
                messages.success(request, _("The network membership was recorded and the follow-up is done."))
            else:
                messages.success(request, _("The network membership was recorded."))
            return redirect("outcomes:visit_report", pk=follow_up.visit_id)
    return render(request, "outcomes/report/membership.html", {"follow_up": follow_up, "form": form})
