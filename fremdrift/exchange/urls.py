from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [path("", views.package_upload, name="upload")]
