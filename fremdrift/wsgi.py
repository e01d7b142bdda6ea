import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fremdrift.settings")
application = get_wsgi_application()

# The checks that read the database (citizens.E001: a FREMDRIFT_FIELD_KEY that does not open
# the stored CPR numbers) stop the server as it starts, not at the first page that needs them.
_problems = [
    problem
    for problem in checks.run_checks(tags=[checks.Tags.database], databases=list(connections))
    if problem.is_serious()
]
connections.close_all()
if _problems:
    raise ImproperlyConfigured("\n".join(str(problem) for problem in _problems))
