"""The public pages of the intake: no login (see intake/form/views.py)."""

from django.urls import path

from caseledger.intake.form import views

app_name = "intake"
urlpatterns = [
    path("", views.complain, name="complain"),
    path("challenge/", views.challenge, name="challenge"),
    path("status/", views.status, name="status"),
]
