import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fremdrift.settings")
application = get_wsgi_application()
# Every view module (and what they import: the statistics libraries, the API's schemas) loads
# now, once, and not in each worker's first request; with gunicorn's preload_app the workers
# share it. No database connection is opened here.
get_resolver().url_patterns  # noqa: B018 (the access loads them)
