from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "fremdrift.instruments"
    label = "instruments"
