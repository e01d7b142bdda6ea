from django.db import migrations


def load_builtin(apps, schema_editor):
    from fremdrift.instruments.builtin import INSTRUMENTS
    from fremdrift.instruments.migrations._builtin import install

    for spec in INSTRUMENTS:
        install(apps, spec)


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]
    operations = [migrations.RunPython(load_builtin, migrations.RunPython.noop)]
