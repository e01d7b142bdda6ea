from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.package_upload, name="upload"),
    path("import/", views.package_import_checked, name="import"),
    path("format/", views.format_description, name="format"),
    path("example.zip", views.example_package, name="example"),
]
