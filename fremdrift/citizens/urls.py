from django.urls import path

from . import views

app_name = "citizens"
# Registering a citizen ("new/") is `pages.views.citizen_create`: it may start the
# organisation's default follow, which is the assessments app's, above this one.
urlpatterns = [
    path("reassign/", views.citizens_reassign, name="reassign"),
    path("<int:citizen_id>/edit/", views.citizen_edit, name="edit"),
    path("<int:citizen_id>/cpr/", views.citizen_show_cpr, name="show_cpr"),
    path("<int:citizen_id>/shares/new/", views.case_share_create, name="share_create"),
    path("<int:citizen_id>/shares/<int:share_id>/end/", views.case_share_end, name="share_end"),
]
