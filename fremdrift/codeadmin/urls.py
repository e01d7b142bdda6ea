from django.urls import path

from . import views

app_name = "codelists"
urlpatterns = [
    path("", views.code_lists, name="list"),
    path("<slug:code_list>/", views.code_list_page, name="detail"),
    path("<slug:code_list>/<int:code_id>/", views.code_change, name="change"),
]
