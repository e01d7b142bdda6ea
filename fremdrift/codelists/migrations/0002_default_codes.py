from django.db import migrations


def load_defaults(apps, schema_editor):
    from fremdrift.codelists.defaults import DEFAULTS

    Code = apps.get_model("codelists", "Code")
    for code_list, entries in DEFAULTS.items():
        for order, entry in enumerate(entries):
            code, label_da, label_en = entry[:3]
            parent, _ = Code.objects.get_or_create(
                code_list=code_list,
                code=code,
                parent=None,
                defaults={"label_da": label_da, "label_en": label_en, "sort_order": order},
            )
            for child_order, (child, child_da, child_en) in enumerate(
                entry[3] if len(entry) > 3 else []
            ):
                Code.objects.get_or_create(
                    code_list=code_list,
                    code=child,
                    parent=parent,
                    defaults={
                        "label_da": child_da,
                        "label_en": child_en,
                        "sort_order": child_order,
                    },
                )


class Migration(migrations.Migration):
    dependencies = [("codelists", "0001_initial")]
    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
