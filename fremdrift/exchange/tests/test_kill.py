"""An import killed half-way (kill -9) leaves the database as it was before."""

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from fremdrift.assessments.models import Answer, Assessment
from fremdrift.citizens.models import Citizen
from fremdrift.exchange import format as fmt
from fremdrift.exchange.models import SourceKey
from fremdrift.instruments.models import Instrument
from fremdrift.testing import make_cpr

from .test_roundtrip import write_package

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    """The URL of the database this test runs on, for a process of its own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def big_package(folder: Path, citizens: int = 300, per_citizen: int = 20) -> None:
    codes = list(
        Instrument.objects.get(code="adult_wheel")
        .versions.get(number=1)
        .items.order_by("position")
        .values_list("code", flat=True)
    )
    people, answers = [], []
    start = dt.date(2020, 1, 6)
    for n in range(citizens):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=37 * n)
        people.append(
            {
                "id": f"B-{n}",
                "cpr": "-".join((make_cpr(born)[:6], make_cpr(born)[6:])),
                "first_name": "Borger",
                "last_name": str(n),
                "target_group": "activity_ready_cash_benefit",
                "organisation": "Jobcenter Fremby",
                "caseworker": "sagsbehandler",
            }
        )
        for m in range(per_citizen):
            for i, code in enumerate(codes):
                answers.append(
                    {
                        "assessment": f"M-{n}-{m}",
                        "citizen": f"B-{n}",
                        "instrument": "adult_wheel",
                        "version": 1,
                        "date": start + dt.timedelta(days=14 * m),
                        "respondent": "joint",
                        "status": "completed",
                        "item": code,
                        "value": 1 + (n + m + i) % 10,
                    }
                )
    write_package(
        folder,
        {fmt.PROGRAMMES: [], fmt.CITIZENS: people, fmt.ENROLMENTS: [], fmt.ASSESSMENTS: answers},
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_killed_half_way_leaves_the_database_as_it_was(fremby, tmp_path):
    package = tmp_path / "package"
    big_package(package)
    before = [m.objects.count() for m in (Citizen, Assessment, Answer, SourceKey)]
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_package", str(package), "--verbosity", "2"],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": database_url(), "DB_CONN_MAX_AGE": "0"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until the import is inside its transaction and has written a batch of answers.
    for line in process.stdout:
        if line.startswith("1000 assessments written"):
            break
    else:
        pytest.fail(f"The import ended before writing: {process.wait()} {process.stderr.read()}")
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL  # killed, not finished
    process.stdout.close()
    process.stderr.close()
    assert [m.objects.count() for m in (Citizen, Assessment, Answer, SourceKey)] == before
    assert before == [0, 0, 0, 0]
