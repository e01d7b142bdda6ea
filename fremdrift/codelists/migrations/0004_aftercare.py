from django.db import migrations


def add_aftercare(apps, schema_editor):
    """Aftercare ("efterværn"), seed 002: support in the first time in a job or education after
    an exit. Fresh databases get it from the defaults in 0002; this adds it to existing ones."""
    Code = apps.get_model("codelists", "Code")
    employment = Code.objects.filter(
        code_list="activity_type", code="employment", parent=None
    ).first()
    if employment is None:
        return
    last = Code.objects.filter(parent=employment).order_by("-sort_order").first()
    Code.objects.get_or_create(
        code_list="activity_type",
        code="aftercare",
        parent=employment,
        defaults={
            "label_da": "Efterværn",
            "label_en": "Aftercare",
            "sort_order": (last.sort_order + 1) if last else 0,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("codelists", "0003_code_updated_at")]
    operations = [migrations.RunPython(add_aftercare, migrations.RunPython.noop)]
