from django.db import migrations
from django.utils import timezone


def revoke_persons_tokens(apps, schema_editor):
    """Tokens were once issued for persons; now only integration clients hold tokens, so a
    person's token stops working (and the token list shows it as revoked)."""
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(user__kind="person", revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [("api", "0002_integrationclient"), ("accounts", "0002_user_kind")]

    operations = [migrations.RunPython(revoke_persons_tokens, migrations.RunPython.noop)]
