"""The citizen's own reads. On SQLite a new NOT NULL column remakes the table, which drops its
trigger: it is made again, so access-log rows stay unchangeable (0002)."""

from django.db import migrations, models

SQLITE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS audit_accesslogentry_no_update
    BEFORE UPDATE ON audit_accesslogentry
    BEGIN SELECT RAISE(ABORT, 'access-log rows cannot be changed'); END;"""


def trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_api_token_of_each_row"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="by_citizen",
            field=models.BooleanField(default=False, verbose_name="by the citizen themself"),
        ),
        migrations.RunPython(trigger_again, migrations.RunPython.noop),
    ]
