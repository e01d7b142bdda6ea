from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("payments/", views.payment_report, name="payments"),
    path("<int:programme_id>/fidelity/", views.fidelity, name="fidelity"),
]

citizen_urlpatterns = [
    path(
        "<int:citizen_id>/enrolments/<int:enrolment_id>/responsible/",
        views.enrolment_assign,
        name="assign",
    ),
    path(
        "<int:citizen_id>/enrolments/<int:enrolment_id>/company-consultant/",
        views.enrolment_company_consultant,
        name="company_consultant",
    ),
    path(
        "<int:citizen_id>/enrolments/<int:enrolment_id>/milestones/",
        views.milestone_confirm,
        name="confirm",
    ),
    path(
        "<int:citizen_id>/enrolments/<int:enrolment_id>/profile/",
        views.enrolment_profile,
        name="profile",
    ),
]
