from django.apps import AppConfig


class CodelistsConfig(AppConfig):
    name = "fremdrift.codelists"
    label = "codelists"
