from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fremdrift.jobs"
    label = "jobs"
