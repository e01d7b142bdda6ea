from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("sso/", views.SignInStart.as_view(), name="start"),
    path("sso/callback/", views.SignInCallback.as_view(), name="callback"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
]
