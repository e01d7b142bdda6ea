from django.urls import path

from . import views

app_name = "citizens"
urlpatterns = [
    path("new/", views.citizen_create, name="create"),
    path("reassign/", views.citizens_reassign, name="reassign"),
    path("<int:citizen_id>/edit/", views.citizen_edit, name="edit"),
    path("<int:citizen_id>/cpr/", views.citizen_show_cpr, name="show_cpr"),
]
