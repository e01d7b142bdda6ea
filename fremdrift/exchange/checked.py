"""Packages kept between the upload page's two steps: "Check the package" keeps the uploaded
file server-side under a random token (the token is kept in the administrator's session, never
in a URL), and "Import" imports that very file and deletes it. A kept file is deleted after
an hour unused."""

import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 3600
SESSION_KEY = "exchange_checked"


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "exchange-checked"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    if not token or not token.isalnum():
        return None
    return _folder() / f"{token}.zip"


def checked_keep(upload) -> tuple[str, Path]:
    """Writes the uploaded file under a new token; forgets files older than an hour."""
    checked_purge()
    token = secrets.token_hex(16)
    path = _path(token)
    with open(path, "wb") as stored:
        for chunk in upload.chunks():
            stored.write(chunk)
    return token, path


def checked_path(token: str) -> Path | None:
    """The kept file of `token`, if it is there and less than an hour old."""
    path = _path(token)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > MAX_AGE_SECONDS:
        path.unlink(missing_ok=True)
        return None
    return path


def checked_discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def checked_purge(*, now: float | None = None) -> int:
    """Deletes kept files older than an hour; the number deleted."""
    now = time.time() if now is None else now
    deleted = 0
    for path in _folder().glob("*.zip"):
        try:
            if now - path.stat().st_mtime > MAX_AGE_SECONDS:
                path.unlink(missing_ok=True)
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted
