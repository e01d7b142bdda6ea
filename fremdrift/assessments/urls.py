from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("<int:citizen_id>/wheel.svg", views.wheel_svg, name="wheel"),
    path("<int:citizen_id>/assessments/new/", views.assessment_create, name="create"),
    path("<int:citizen_id>/assessments/preview/", views.wheel_preview, name="preview"),
    path("<int:citizen_id>/assessments/<int:assessment_id>/", views.assessment_edit, name="edit"),
    path("<int:citizen_id>/follows/", views.follow_create, name="follow"),
    path("<int:citizen_id>/targets/", views.target_set, name="target"),
]
