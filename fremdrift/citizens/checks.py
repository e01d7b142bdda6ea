"""The system check that refuses to start with the wrong FREMDRIFT_FIELD_KEY. It reads the
database, so it runs where Django runs the database checks: `manage.py migrate`,
`manage.py check --database default`, and the WSGI start (`fremdrift/wsgi.py`, which gunicorn
and `make serve` load)."""

from django.core import checks
from django.db import router

from .models import Citizen
from .selectors import field_key_problem


@checks.register(checks.Tags.database)
def field_key_check(app_configs=None, databases=None, **kwargs):
    if app_configs is not None and Citizen._meta.app_config not in app_configs:
        return []
    if not databases or router.db_for_read(Citizen) not in databases:
        return []
    problem = field_key_problem()
    hint = "Keep FREMDRIFT_FIELD_KEY safe, apart from the backups: without it they are unreadable."
    return [checks.Critical(problem, hint=hint, id="citizens.E001")] if problem else []
