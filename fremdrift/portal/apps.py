from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "fremdrift.portal"
    verbose_name = "Citizen portal"
