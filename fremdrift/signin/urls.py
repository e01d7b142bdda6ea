from django.urls import path

from . import organisations, staff, views

app_name = "signin"
urlpatterns = [
    path("sso/", views.SignInStart.as_view(), name="start"),
    path("sso/callback/", views.SignInCallback.as_view(), name="callback"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/new/", organisations.organisation_edit, name="organisation_create"),
    path(
        "organisations/<int:organisation_id>/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path("users/", staff.staff_list, name="staff"),
    path("users/new/", staff.staff_create, name="staff_create"),
    path("users/<int:user_id>/", staff.staff_edit, name="staff_edit"),
    path(
        "users/<int:user_id>/password-link/", staff.staff_password_link, name="staff_password_link"
    ),
    path(
        "users/<int:user_id>/second-factor/reset/",
        staff.staff_second_factor_reset,
        name="staff_second_factor_reset",
    ),
]
