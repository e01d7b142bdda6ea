from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "fremdrift.signin"
    label = "signin"
