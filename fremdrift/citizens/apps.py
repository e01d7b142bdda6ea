from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "fremdrift.citizens"
    label = "citizens"
