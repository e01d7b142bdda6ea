from django.urls import path

from . import views

# Mounted at /accounts/users/clients/, beside the organisation's persons.
app_name = "api"
urlpatterns = [
    path("new/", views.client_create, name="client-create"),
    path("<int:client_id>/", views.client_detail, name="client"),
    path("<int:client_id>/tokens/", views.token_issue, name="token-issue"),
    path("<int:client_id>/tokens/<int:token_id>/revoke/", views.token_revoke, name="revoke"),
]
