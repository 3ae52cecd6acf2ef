"""What visits achieve: reports, notes and lessons, membership outcomes and charts."""

from django.urls import path

from .views import follow_ups, notes, reports

app_name = "outcomes"

delegate = {"role": notes.DELEGATE}

urlpatterns = [
    path("visits/<int:pk>/report/", reports.report_page, name="visit_report"),
    path("visits/<int:pk>/report.pdf", reports.report_pdf, name="visit_report_pdf"),
    path("visits/<int:pk>/notes/", notes.visit_notes, name="visit_notes"),
    path("visits/<int:pk>/notes/<int:note_pk>/edit/", notes.note_edit, name="note_edit"),
    path("visits/<int:pk>/lessons/<int:lesson_pk>/edit/", notes.lesson_edit, name="lesson_edit"),
    path("my/visits/<int:pk>/notes/", notes.visit_notes, delegate, name="my_visit_notes"),
    path("my/visits/<int:pk>/notes/<int:note_pk>/edit/", notes.note_edit, delegate, name="my_note_edit"),
    path("my/visits/<int:pk>/lessons/<int:lesson_pk>/edit/", notes.lesson_edit, delegate, name="my_lesson_edit"),
    path("follow-ups/", follow_ups.follow_up_board, name="follow_up_board"),
    path("follow-ups/new/", follow_ups.follow_up_edit, name="follow_up_create"),
    path("follow-ups/<int:pk>/edit/", follow_ups.follow_up_edit, name="follow_up_edit"),
    path("follow-ups/<int:pk>/status/", follow_ups.follow_up_status, name="follow_up_status"),
    path("charts/", reports.charts_dashboard, name="charts"),
    path("follow-ups/<int:pk>/membership/", notes.follow_up_membership, name="follow_up_membership"),
]
