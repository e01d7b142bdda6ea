"""On SQLite, what every request writes lives in a file of its own (the database alias
"request_writes"): the access-log rows of the pages that show personal data, and the session
(saved on every request, for the sliding timeout). A long write, such as an import, holds
SQLite's single write lock for its whole transaction; with one file every page would wait
for it and fail, with two, pages go on being shown and logged. PostgreSQL locks rows, not the
database, and keeps everything in one database."""

from django.conf import settings

ALIAS = "request_writes"
MODELS = frozenset(
    {("audit", "accesslogentry"), ("audit", "accesslogsubject"), ("sessions", "session")}
)
APPS = frozenset(app for app, _model in MODELS)


def request_writes_database() -> str:
    """The alias of the access log and the sessions."""
    if ALIAS in settings.DATABASES and settings.FREMDRIFT_REQUEST_WRITES_OWN_FILE:
        return ALIAS
    return "default"


def _routed(model_or_row) -> bool:
    meta = model_or_row._meta  # a row may be a lazy object (the request's user)
    return (meta.app_label, meta.model_name) in MODELS


class RequestWritesRouter:
    def db_for_read(self, model, **hints):
        return request_writes_database() if _routed(model) else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        # The log refers to users and citizens without a constraint, across the two files.
        if _routed(obj1) or _routed(obj2):
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The file of its own holds these tables only (with the access log's triggers); the
        # main database has them too, for when there is no file of its own.
        if db != ALIAS:
            return None
        if model_name is None:
            return app_label in APPS
        return (app_label, model_name) in MODELS
