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
