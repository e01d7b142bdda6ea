#!/usr/bin/env python
"""`make load`: a bounded load test of what production runs.

    python scripts/load.py [--users 50] [--duration 120] [--with-import] [--citizens 30000]

Builds the municipality-size database of `bench/run.py` once for the load test (on
PostgreSQL where DATABASE_URL points at it, as `<name>_load`; else var/load.sqlite3), written
with the keys of `make serve` (var/serve-keys.json), starts `scripts/serve.py` on it
(gunicorn with deploy/gunicorn.conf.py, DEBUG off) on port 8765, and signs in `--users`
caseworkers. Each one works through a realistic round, with one to three seconds of thinking
between clicks: their caseload sorted by next due date, a citizen of it, the wheel, the plan,
the red thread, and every fourth round an assessment recorded (the form, then the answers
sent). After `--duration` seconds it prints, per kind of request, the count, the errors and
the median, 95th and 99th percentile response time as the client saw it. `--with-import`
imports an exchange package of a million answers (bench/exchange.py's) into the same database
while the caseworkers work, and reports its time. A benchmark, not a test: nothing asserts;
the exit status is 1 if any request failed.
"""

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from serve import keys  # noqa: E402

from bench.exchange import generate  # noqa: E402

PORT = 8765
PASSWORD = "load-test-password"  # noqa: S105 - the load database's own caseworkers
PREPARE = """
from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.accounts.services import organisation_create, user_create
for user in User.objects.filter(username__startswith="bench", role=Role.CASEWORKER):
    user.set_password({password!r})
    user.save(update_fields=["password"])
if not Organisation.objects.filter(name="Jobcenter Bench").exists():
    jobcentre = organisation_create(name="Jobcenter Bench", kind=Organisation.Kind.AUTHORITY)
    user_create(username="bench-cw", password=None, organisation=jobcentre, role=Role.CASEWORKER)
    user_create(username="bench-admin", password=None, organisation=jobcentre,
                role=Role.ADMINISTRATOR)
print(User.objects.filter(username__regex=r"^bench[0-9]+$").count())
"""


def load_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, _, name = url.rpartition("/")
        return f"{base}/{name or 'fremdrift'}_load"
    return f"sqlite:///{ROOT / 'var' / 'load.sqlite3'}"


def environment(url: str) -> dict:
    return os.environ | keys() | {"DATABASE_URL": url, "LOG_LEVEL": "WARNING"}


def build(url: str, citizens: int) -> None:
    """Builds the bench database at `url` once, written with the keys of `make serve`."""
    command = [sys.executable, "bench/run.py", "--build-only", "--citizens", str(citizens)]
    run(command, environment(url) | {"BENCH_DATABASE_URL": url})


def run(command: list[str], env: dict) -> str:
    done = subprocess.run(  # noqa: S603 - our own scripts
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class FormReader(HTMLParser):
    """The fields of the assessment form: hidden and text inputs as they are, each select's
    chosen option, and every radio group's values (one is picked per item)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.radios: dict[str, list[str]] = defaultdict(list)
        self.select = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (
            tag == "form"
            and a.get("method", "").lower() == "post"
            and "assessment" in (a.get("data-testid", "") + a.get("id", "") + a.get("class", ""))
        ):
            self.in_form = True
        if tag == "select":
            self.select = a.get("name", "")
        elif (
            tag == "option"
            and self.select
            and a.get("value")
            and ("selected" in a or self.select not in self.fields)  # chosen, else the first
        ):
            self.fields[self.select] = a["value"]
        if tag != "input" or not a.get("name"):
            return
        kind = a.get("type", "text")
        if kind == "radio":
            self.radios[a["name"]].append(a.get("value", ""))
        elif kind in ("hidden", "text", "date") and a.get("value") is not None:
            self.fields.setdefault(a["name"], a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = ""


class Caseworker(threading.Thread):
    def __init__(self, n: int, base: str, username: str, start, results: list):
        super().__init__(daemon=True)
        self.base, self.username, self.start_together, self.results = base, username, start, results
        self.until = 0.0
        self.random = random.Random(n)
        jar = http.cookiejar.CookieJar(policy=LocalSecureCookies())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )
        self.jar = jar

    def request(self, kind: str, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http only
        if body is not None:
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            text, status = error.read().decode(errors="replace"), error.code
        except OSError as error:
            text, status = str(error), 0
        elapsed = time.perf_counter() - started
        ok = status == (302 if data is not None else 200)  # a form sent and saved redirects
        self.results.append((kind, ok, elapsed, status))
        return text

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def think(self) -> None:
        time.sleep(self.random.uniform(1.0, 3.0))

    def run(self) -> None:
        self.request("login form", "/accounts/login/")
        self.request(
            "login",
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
        )
        self.until = self.start_together()  # every caseworker signed in: the clock starts
        rounds = 0
        while time.monotonic() < self.until:
            caseload = self.request("caseload", "/citizens/?mine=on&sort=due")
            citizens = re.findall(r'href="/citizens/(\d+)/"', caseload)
            if not citizens:
                self.think()
                continue
            citizen = self.random.choice(citizens)
            for kind, path in (
                ("citizen page", f"/citizens/{citizen}/"),
                ("wheel", f"/citizens/{citizen}/wheel.svg"),
                ("plan", f"/citizens/{citizen}/plan/"),
                ("red thread", f"/citizens/{citizen}/timeline/"),
            ):
                if time.monotonic() >= self.until:
                    return
                self.think()
                self.request(kind, path)
            rounds += 1
            if rounds % 4 == 0 and time.monotonic() < self.until:
                self.think()
                self.record_assessment(citizen)
            self.think()

    def record_assessment(self, citizen: str) -> None:
        path = f"/citizens/{citizen}/assessments/new/?instrument=adult_wheel"
        form = FormReader()
        form.feed(self.request("assessment form", path))
        data = dict(form.fields)
        for name, values in form.radios.items():
            scores = [v for v in values if v.isdigit()] or values
            data[name] = self.random.choice(scores)
        data["csrfmiddlewaretoken"] = self.csrf()
        data["instrument"] = "adult_wheel"
        self.request("assessment saved", path, data)


class LocalSecureCookies(http.cookiejar.DefaultCookiePolicy):
    """Sends the Secure session and CSRF cookies back over plain HTTP to this machine, as a
    browser does for 127.0.0.1."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def serve(url: str) -> subprocess.Popen:
    env = environment(url) | {"PORT": str(PORT)}
    server = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, "scripts/serve.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in server.stdout:  # until gunicorn's workers have booted
        if "Booting worker" in line:
            break
        if server.poll() is not None:
            raise SystemExit("make serve did not start")
    threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
    base = f"http://127.0.0.1:{PORT}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.1)  # waiting for the server to answer, not for a result
    raise SystemExit("make serve did not answer /healthz")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--citizens", type=int, default=30_000)
    parser.add_argument("--with-import", action="store_true")
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)

    url = load_database_url()
    build(url, args.citizens)
    prepare = PREPARE.format(password=PASSWORD)
    count = run([sys.executable, "manage.py", "shell", "-c", prepare], environment(url))
    caseworkers = int(count.strip().splitlines()[-1])
    server = serve(url)
    importer = None
    try:
        if args.with_import:
            package = ROOT / "var" / "bench-package-1000000"
            generate(package, 1_000_000)
            importer = subprocess.Popen(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", "import_package", str(package)]
                + ["--organisation", "Jobcenter Bench"],
                cwd=ROOT,
                env=environment(url),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            import_started = time.perf_counter()
        results: list = []
        barrier = threading.Barrier(args.users)
        clock: dict = {}

        def start_together() -> float:
            if barrier.wait() == 0:
                clock["until"] = time.monotonic() + args.duration
            barrier.wait()
            return clock["until"]

        users = [
            Caseworker(
                n, f"http://127.0.0.1:{PORT}", f"bench{n % caseworkers}", start_together, results
            )
            for n in range(args.users)
        ]
        for user in users:
            user.start()
        for user in users:
            user.join()
        if importer is not None:
            output, _ = importer.communicate()
            import_seconds = time.perf_counter() - import_started
    finally:
        server.terminate()
        server.wait(timeout=60)

    by_kind = defaultdict(list)
    for kind, ok, elapsed, status in results:
        by_kind[kind].append((ok, elapsed, status))
    print(f"{args.users} caseworkers for {args.duration} s on {url.split('@')[-1]}")
    print(f"{'request':<18} {'count':>6} {'errors':>6} {'median':>8} {'p95':>8} {'p99':>8}")
    errors = 0
    for kind, rows in by_kind.items():
        times = [elapsed * 1000 for _ok, elapsed, _status in rows]
        failed = [status for ok, _elapsed, status in rows if not ok]
        errors += len(failed)
        print(
            f"{kind:<18} {len(rows):>6} {len(failed):>6} {statistics.median(times):>6.0f} ms"
            f" {percentile(times, 0.95):>5.0f} ms {percentile(times, 0.99):>5.0f} ms"
            + (f"  statuses {sorted(set(failed))}" if failed else "")
        )
    pages = [e * 1000 for kind, _ok, e, _s in results if kind not in ("login", "login form")]
    print(
        f"{'all pages':<18} {len(pages):>6} {errors:>6} {statistics.median(pages):>6.0f} ms"
        f" {percentile(pages, 0.95):>5.0f} ms {percentile(pages, 0.99):>5.0f} ms"
    )
    print(f"throughput: {len(results) / args.duration:.1f} requests/s")
    if importer is not None:
        imported = "Imported" in output
        outcome = "done" if imported else "FAILED"
        print(f"import of a million answers: {outcome} in {import_seconds:.0f} s")
        if not imported:
            print(output[-2000:])
            errors += 1
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
