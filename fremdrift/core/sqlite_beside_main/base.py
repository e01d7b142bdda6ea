"""SQLite for a file that lives beside the main database (the access log's own file): the
main database is attached read-only, so that queries on this file join the main database's
tables as they would on one PostgreSQL database, while writes lock only this file."""

from pathlib import Path

from django.db import connections
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        main = Path(connections["default"].settings_dict["NAME"]).resolve()
        conn.execute("ATTACH DATABASE ? AS main_database", (f"{main.as_uri()}?mode=ro",))
        return conn
