"""Safety check-ins: the delegate's pages under /my/, the officer's under the visit (mounted at the root)."""

from django.urls import path

from .views import check_ins as views

app_name = "check_ins"

urlpatterns = [
    path("my/check-in/", views.current, name="current"),
    path("my/visits/<int:pk>/check-in/", views.mine, name="mine"),
    path("my/check-in/answered/", views.answered, name="answered"),
    path("my/check-in/<str:token>/", views.answer, name="answer"),
    path("visits/<int:pk>/check-ins/", views.board, name="board"),
    path("visits/<int:pk>/check-ins/request/", views.request_send, name="request"),
]
