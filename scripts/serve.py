"""`make serve`: Fremdrift as production runs it, on this machine: DEBUG off, the static files
collected, gunicorn with deploy/gunicorn.conf.py. The database is DATABASE_URL's, else
var/serve.sqlite3. SECRET_KEY and FREMDRIFT_FIELD_KEY are the environment's, else random keys
kept in var/serve-keys.json (this machine's, never production's)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


def keys() -> dict:
    path = VAR / "serve-keys.json"
    if not path.exists():
        path.write_text(
            json.dumps(
                {
                    "SECRET_KEY": secrets.token_urlsafe(64),
                    "FREMDRIFT_FIELD_KEY": secrets.token_urlsafe(48),
                }
            )
        )
        path.chmod(0o600)
    return json.loads(path.read_text())


def main() -> None:
    VAR.mkdir(exist_ok=True)
    env = {
        **keys(),
        "DATABASE_URL": f"sqlite:///{VAR / 'serve.sqlite3'}",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on this machine; production sits behind TLS
        **os.environ,
        "DEBUG": "false",
    }
    python = sys.executable
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "--verbosity", "0"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    port = os.environ.get("PORT", "8000")
    print(f"Fremdrift (production mode) runs at http://127.0.0.1:{port}/", flush=True)
    gunicorn = [python, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
    arguments = [*gunicorn, "--bind", f"127.0.0.1:{port}"]
    os.execve(python, arguments, env | {"PYTHONPATH": str(ROOT)})  # noqa: S606 (no shell wanted)


if __name__ == "__main__":
    main()
