from django.urls import path

from . import views

app_name = "instruments"
urlpatterns = [
    path("", views.instrument_list, name="list"),
    path("<int:instrument_id>/", views.instrument_detail, name="detail"),
    path("<int:instrument_id>/copy/", views.instrument_copy, name="copy"),
    path("<int:instrument_id>/reliability/", views.instrument_reliability, name="reliability"),
    path("<int:instrument_id>/edit/", views.instrument_edit, name="edit"),
    path(
        "<int:instrument_id>/versions/<int:version_id>/publish/",
        views.version_publish,
        name="publish",
    ),
]
