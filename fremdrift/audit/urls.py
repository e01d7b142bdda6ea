from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("users/", views.user_access_history, name="users"),
    path("entries/<int:entry_id>/criterion/", views.access_log_criterion, name="criterion"),
    path("citizens/<int:citizen_id>/export/", views.citizen_access_log_export, name="export"),
]
