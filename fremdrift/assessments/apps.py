from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "fremdrift.assessments"
    label = "assessments"
