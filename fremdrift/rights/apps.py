from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "fremdrift.rights"
    label = "rights"
