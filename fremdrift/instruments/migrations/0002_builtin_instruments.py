from django.db import migrations
from django.utils import timezone


def load_builtin(apps, schema_editor):
    from fremdrift.instruments.builtin import INSTRUMENTS

    Instrument = apps.get_model("instruments", "Instrument")
    Version = apps.get_model("instruments", "InstrumentVersion")
    Item = apps.get_model("instruments", "Item")
    for spec in INSTRUMENTS:
        if Instrument.objects.filter(code=spec["code"]).exists():
            continue
        instrument = Instrument.objects.create(
            code=spec["code"],
            name_da=spec["name_da"],
            name_en=spec["name_en"],
            purpose=spec["purpose"],
            is_builtin=True,
        )
        version = Version.objects.create(
            instrument=instrument,
            number=1,
            status="published",
            respondents=spec["respondents"],
            published_at=timezone.now(),
        )
        for position, (code, label_da, label_en, text_da, text_en, options) in enumerate(
            spec["items"]
        ):
            Item.objects.create(
                version=version,
                code=code,
                position=position,
                label_da=label_da,
                label_en=label_en,
                text_da=text_da,
                text_en=text_en,
                dimension=label_en,
                **options,
            )


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]
    operations = [migrations.RunPython(load_builtin, migrations.RunPython.noop)]
