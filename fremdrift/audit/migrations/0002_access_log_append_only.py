"""Access-log rows cannot be changed, whatever code runs: the database refuses UPDATE."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_accesslogentry_no_update BEFORE UPDATE ON audit_accesslogentry
       BEGIN SELECT RAISE(ABORT, 'access-log rows cannot be changed'); END;""",
    """CREATE TRIGGER audit_accesslogsubject_no_update BEFORE UPDATE ON audit_accesslogsubject
       BEGIN SELECT RAISE(ABORT, 'access-log rows cannot be changed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update;",
    "DROP TRIGGER IF EXISTS audit_accesslogsubject_no_update;",
]
POSTGRES_UP = [
    """CREATE FUNCTION audit_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'access-log rows cannot be changed'; END; $$;""",
    """CREATE TRIGGER audit_accesslogentry_no_update BEFORE UPDATE ON audit_accesslogentry
       FOR EACH ROW EXECUTE FUNCTION audit_refuse_update();""",
    """CREATE TRIGGER audit_accesslogsubject_no_update BEFORE UPDATE ON audit_accesslogsubject
       FOR EACH ROW EXECUTE FUNCTION audit_refuse_update();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update ON audit_accesslogentry;",
    "DROP TRIGGER IF EXISTS audit_accesslogsubject_no_update ON audit_accesslogsubject;",
    "DROP FUNCTION IF EXISTS audit_refuse_update();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
