from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("<int:citizen_id>/referrals/new/", views.referral_create, name="create"),
    path("<int:citizen_id>/referrals/<int:referral_id>/end/", views.referral_end, name="end"),
    path(
        "<int:citizen_id>/referrals/<int:referral_id>/scores/",
        views.referral_scores,
        name="scores",
    ),
]

# The exit of an enrolment ends its referrals; mounted under the namespace `enrolments`.
enrolment_urlpatterns = [
    path(
        "<int:citizen_id>/enrolments/<int:enrolment_id>/exit/",
        views.enrolment_exit,
        name="exit",
    ),
]

# Closing a programme ends its enrolments and their referrals; mounted under `programmes`.
programme_urlpatterns = [
    path("<int:programme_id>/close/", views.programme_close, name="close"),
]
