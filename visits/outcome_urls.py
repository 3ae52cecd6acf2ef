"""What visits achieve: reports, notes and lessons, membership outcomes and charts."""

from django.urls import path

from . import outcome_views, report_views

app_name = "outcomes"

delegate = {"role": outcome_views.DELEGATE}

urlpatterns = [
    path("visits/<int:pk>/report/", report_views.report_page, name="visit_report"),
    path("visits/<int:pk>/report.pdf", report_views.report_pdf, name="visit_report_pdf"),
    path("visits/<int:pk>/notes/", outcome_views.visit_notes, name="visit_notes"),
    path("visits/<int:pk>/notes/<int:note_pk>/edit/", outcome_views.note_edit, name="note_edit"),
    path("visits/<int:pk>/lessons/<int:lesson_pk>/edit/", outcome_views.lesson_edit, name="lesson_edit"),
    path("my/visits/<int:pk>/notes/", outcome_views.visit_notes, delegate, name="my_visit_notes"),
    path("my/visits/<int:pk>/notes/<int:note_pk>/edit/", outcome_views.note_edit, delegate, name="my_note_edit"),
    path(
        "my/visits/<int:pk>/lessons/<int:lesson_pk>/edit/", outcome_views.lesson_edit, delegate, name="my_lesson_edit"
    ),
    path("charts/", report_views.charts_dashboard, name="charts"),
    path("follow-ups/<int:pk>/membership/", outcome_views.follow_up_membership, name="follow_up_membership"),
]
