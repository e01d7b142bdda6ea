import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fremdrift.settings")
application = get_wsgi_application()

# The checks that read the database (citizens.E001: a FREMDRIFT_FIELD_KEY that does not open
# the stored CPR numbers) stop the server as it starts, not at the first page that needs them.
_problems = [
    problem
    for problem in checks.run_checks(tags=[checks.Tags.database], databases=list(connections))
    if problem.is_serious()
]
connections.close_all()  # gunicorn forks its workers from here (preload_app): none may share one
if _problems:
    raise ImproperlyConfigured("\n".join(str(problem) for problem in _problems))

# Every view module (and what they import: the statistics libraries, the API's schemas) loads
# now, once, and not in each worker's first request; with gunicorn's preload_app the workers
# share it.
get_resolver().url_patterns  # noqa: B018 (the access loads them)
