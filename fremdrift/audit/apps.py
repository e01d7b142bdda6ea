from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fremdrift.audit"
    label = "audit"
