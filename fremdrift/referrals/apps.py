from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "fremdrift.referrals"
    label = "referrals"
