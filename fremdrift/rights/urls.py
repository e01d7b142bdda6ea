from django.urls import path

from . import subject_access_views, views

app_name = "rights"
urlpatterns = [
    path("", views.retention_review, name="retention"),
    path("rule/", views.retention_rule, name="rule"),
    path("erase/", views.erasure_approve, name="erase"),
    path("<int:citizen_id>/hold/", views.legal_hold_place, name="hold"),
    path("<int:citizen_id>/hold/lift/", views.legal_hold_lift, name="hold_lift"),
]
# Under /citizens/, in the namespace "subject_access" (fremdrift/urls.py).
citizen_urlpatterns = [
    path(
        "<int:citizen_id>/subject-access/",
        subject_access_views.subject_access,
        name="export",
    ),
]
