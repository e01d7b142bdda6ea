from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "fremdrift.citizens"
    label = "citizens"

    def ready(self):
        from . import checks  # noqa: F401 (registers the FREMDRIFT_FIELD_KEY check)
