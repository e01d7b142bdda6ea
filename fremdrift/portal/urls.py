from django.urls import path

from . import staff_views, views

app_name = "portal"
urlpatterns = [
    # The short link handed to the citizen (contract: printed as a QR code and sent by text).
    path("s/sent/", views.sent, name="sent"),
    path("s/<str:token>/", views.start, name="link"),
    path("s/<str:token>/<int:number>/", views.question, name="link_question"),
    path("s/<str:token>/summary/", views.summary, name="link_summary"),
    path("me/", views.own, name="own"),
    path("me/sign-in/", views.CitizenSignInStart.as_view(), name="sign_in"),
    path("me/sign-in/callback/", views.callback, name="callback"),
    path("me/sign-out/", views.sign_out, name="sign_out"),
    path("me/report/", views.own_report, name="own_report"),
    path("me/self-assessments/<int:invitation_id>/", views.start, name="own_start"),
    path(
        "me/self-assessments/<int:invitation_id>/<int:number>/",
        views.question,
        name="own_question",
    ),
    path("me/self-assessments/<int:invitation_id>/summary/", views.summary, name="own_summary"),
    path(
        "citizens/<int:citizen_id>/self-assessment-links/",
        staff_views.invitation_create,
        name="invite",
    ),
]
