from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("citizens/<int:citizen_id>/export/", views.citizen_access_log_export, name="export"),
]
