from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
]
