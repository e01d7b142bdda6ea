from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class SigninConfig(AppConfig):
    name = "fremdrift.signin"
    label = "signin"

    def ready(self):
        from .signals import second_factor_on_sign_in

        user_logged_in.connect(second_factor_on_sign_in, dispatch_uid="second_factor")
