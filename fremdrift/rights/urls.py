from django.urls import path  # noqa: F401

from . import subject_access_views

app_name = "rights"
urlpatterns: list = []

# Under /citizens/, in the namespace "subject_access" (fremdrift/urls.py).
citizen_urlpatterns = [
    path(
        "<int:citizen_id>/subject-access/",
        subject_access_views.subject_access,
        name="export",
    ),
]
