from django.urls import path

from . import views

app_name = "companies"
urlpatterns = [
    path("", views.company_list, name="list"),
    path("new/", views.company_create, name="create"),
    path("<int:company_id>/", views.company_detail, name="detail"),
    path("<int:company_id>/edit/", views.company_edit, name="edit"),
    path("<int:company_id>/retire/", views.company_retire, name="retire"),
    path("<int:company_id>/contacts/", views.contact_add, name="contact_add"),
    path("<int:company_id>/vacancies/", views.vacancy_add, name="vacancy_add"),
    path(
        "<int:company_id>/vacancies/<int:vacancy_id>/close/",
        views.vacancy_close,
        name="vacancy_close",
    ),
]
