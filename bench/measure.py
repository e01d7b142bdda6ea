"""Times pages through Django's test client: server time, without a network in between."""

import random
import time

from django.db import connection
from django.test import Client

from fremdrift.citizens.models import Citizen

BACKEND = "fremdrift.accounts.backends.PersonBackend"


def _time(client: Client, url: str) -> tuple[float, int]:
    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed, count


def pages(*, samples: int, rng: random.Random):
    ids = list(
        Citizen.objects.filter(home_organisation__name="Jobcenter Benchby").values_list(
            "id", "responsible_caseworker"
        )
    )
    chosen = rng.sample(ids, min(samples, len(ids)))
    clients: dict[int, Client] = {}
    from fremdrift.accounts.models import User

    def client_for(user_id: int) -> Client:
        if user_id not in clients:
            client = Client()
            client.force_login(User.objects.get(pk=user_id), backend=BACKEND)
            clients[user_id] = client
        return clients[user_id]

    pages_to_time = {
        "citizen page": "/citizens/{id}/",
        "wheel.svg": "/citizens/{id}/wheel.svg",
    }
    for name, pattern in pages_to_time.items():
        timings, query_counts = [], set()
        for citizen_id, user_id in chosen:
            elapsed, count = _time(client_for(user_id), pattern.format(id=citizen_id))
            timings.append(elapsed)
            query_counts.add(count)
        yield name, timings, "/".join(str(c) for c in sorted(query_counts))
    from bench.build import ensure_plan_histories

    with_history = set(ensure_plan_histories())
    owners = dict(ids)
    for name, pattern in {
        "plan page (5 years)": "/citizens/{id}/plan/",
        "timeline (5 years)": "/citizens/{id}/timeline/",
        "citizen report (5 years)": "/citizens/{id}/report/",
    }.items():
        timings, query_counts = [], set()
        for citizen_id in sorted(with_history):
            elapsed, count = _time(client_for(owners[citizen_id]), pattern.format(id=citizen_id))
            timings.append(elapsed)
            query_counts.add(count)
        yield name, timings, "/".join(str(c) for c in sorted(query_counts))
    timings, query_counts = [], set()
    for _citizen_id, user_id in chosen[:50]:
        elapsed, count = _time(client_for(user_id), "/citizens/?sort=due")
        timings.append(elapsed)
        query_counts.add(count)
    yield "caseload sorted by due", timings, "/".join(str(c) for c in sorted(query_counts))


def reports(*, runs: int = 3):
    """Each report on the whole municipality, and the hand-written floor: the per-item
    baseline and follow-up means in one SQL statement."""
    from bench.build import FLOOR_SQL, ensure_report_data
    from fremdrift.instruments.models import Instrument

    manager = ensure_report_data()
    client = Client()
    client.force_login(manager, backend=BACKEND)
    wheel = Instrument.objects.get(code="adult_wheel").pk
    survey = Instrument.objects.get(code="citizen_survey").pk

    floor = []
    for _ in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [wheel])
            cursor.fetchall()
        floor.append(time.perf_counter() - started)
    yield "floor: per-item means (SQL)", floor, 1
    for name, url in {
        "report: progression": f"/reports/progression/?instrument={wheel}&horizon=latest",
        "report: progression, 3 months": f"/reports/progression/?instrument={wheel}&horizon=3",
        "report: progression, 6 months": f"/reports/progression/?instrument={wheel}&horizon=6",
        "report: progression, 12 months": f"/reports/progression/?instrument={wheel}&horizon=12",
        "report: comparison": f"/reports/comparison/?by=programme&instrument={wheel}",
        "report: goals": "/reports/goals/",
        "report: monitoring": "/reports/monitoring/",
        "report: surveys": f"/reports/surveys/?instrument={survey}",
        "report: agreement": f"/reports/agreement/?pair=caseworker_provider&instrument={wheel}",
        "report: data quality": "/reports/quality/",
    }.items():
        timings, query_counts = [], set()
        for _ in range(runs):
            elapsed, count = _time(client, url)
            timings.append(elapsed)
            query_counts.add(count)
        yield name, timings, "/".join(str(c) for c in sorted(query_counts))
