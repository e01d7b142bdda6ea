"""What production runs, run here: `scripts/serve.py` (`make serve`) starts gunicorn with
deploy/gunicorn.conf.py in production mode; its pages answer, its static files are served, and
its access log never holds a query string."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_serve_runs_gunicorn_in_production_mode(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PORT": str(port),
        "GUNICORN_WORKERS": "2",
    }
    server = subprocess.Popen(
        [sys.executable, "scripts/serve.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = []
    try:
        for line in server.stdout:  # until gunicorn's workers have booted
            log.append(line)
            if "Booting worker" in line:
                break
        assert server.poll() is None, "".join(log)
        base = f"http://127.0.0.1:{port}"
        assert requests.get(f"{base}/healthz", timeout=30).json()["status"] == "ok"
        page = requests.get(f"{base}/accounts/login/?next=/hemmelig-sti", timeout=30)
        assert page.status_code == 200 and "Log ind" in page.text
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in page.headers
        assert requests.get(f"{base}/static/fremdrift/app.js", timeout=30).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        rest, _ = server.communicate(timeout=60)
        log.append(rest)
    output = "".join(log)
    assert "production mode" in output
    assert '"GET /accounts/login/ HTTP/1.1" 200' in output
    assert "hemmelig" not in output and "?next" not in output
