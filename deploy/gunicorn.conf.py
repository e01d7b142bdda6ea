"""gunicorn's configuration for Fremdrift in production (`make serve` runs exactly this).

Workers: 2 per core plus one (GUNICORN_WORKERS overrides). The access log never holds a
query string: a search or a `next` can carry personal data, and web server logs lie outside
the application's redaction; `%(U)s` is the path alone."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # the longest report or export
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # a worker is replaced now and then, so that no leak grows
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Client, time, method, path (never the query), status, bytes, duration in seconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'
wsgi_app = "fremdrift.wsgi:application"
# The application (every view, numpy and scipy) is loaded once, before the workers are forked:
# no worker's first request waits seconds for it, and the workers share its memory.
preload_app = True
