"""Loading the built-in instruments (`instruments.builtin`) in migrations, with their
historical models. Named with a leading underscore so that Django does not take it for a
migration."""

from django.utils import timezone


def install(apps, spec: dict) -> None:
    """Loads one built-in instrument as published version 1, with the migration's historical
    models (`apps`); an instrument with the code already is left as it is."""
    instrument_model = apps.get_model("instruments", "Instrument")
    version_model = apps.get_model("instruments", "InstrumentVersion")
    item_model = apps.get_model("instruments", "Item")
    if instrument_model.objects.filter(code=spec["code"]).exists():
        return
    instrument = instrument_model.objects.create(
        code=spec["code"],
        name_da=spec["name_da"],
        name_en=spec["name_en"],
        purpose=spec["purpose"],
        is_builtin=True,
    )
    version = version_model.objects.create(
        instrument=instrument,
        number=1,
        status="published",
        respondents=spec["respondents"],
        published_at=timezone.now(),
    )
    for position, (code, label_da, label_en, text_da, text_en, options) in enumerate(spec["items"]):
        item_model.objects.create(
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
