from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fremdrift.accounts"
    label = "accounts"
