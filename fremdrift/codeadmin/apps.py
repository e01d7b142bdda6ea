from django.apps import AppConfig


class CodeadminConfig(AppConfig):
    name = "fremdrift.codeadmin"
    label = "codeadmin"
