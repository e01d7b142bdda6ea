"""The group reports as JSON: the pages' access rule, the tables of the CSV exports cell by
cell, the small-group suppression, typed filters that refuse bad values with a 4xx naming
the parameter, no access-log entries (as on the pages), and no 5xx for generated requests."""

import datetime as dt
import math

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from django.utils.translation import gettext, override
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from fremdrift.accounts.models import Role
from fremdrift.api import services
from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.tests.test_access import ROLES
from fremdrift.core.exports import csv_table
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.reports.tests.test_progression import START, record
from fremdrift.testing import make_citizen, make_programme, make_user

API = "/api/v1/reports"
REPORTS = ["progression", "comparison", "goals", "monitoring", "surveys", "agreement", "quality"]
# The reports whose CSV has several parts: a blank row between them, each part's title a row.
SECTIONED = {"goals", "monitoring", "quality"}


def instrument(code: str) -> Instrument:
    return Instrument.objects.get(code=code)


def queries(report: str) -> tuple[dict, dict]:
    """The API's query for a report and the page's query with the same filters."""
    wheel = instrument("adult_wheel")
    if report == "progression":
        return {"instrument": wheel.code, "horizon": "latest"}, {
            "instrument": wheel.pk,
            "horizon": "latest",
        }
    if report == "comparison":
        return {"instrument": wheel.code, "by": "programme"}, {
            "instrument": wheel.pk,
            "by": "programme",
            "horizon": "latest",
        }
    if report == "agreement":
        return {"instrument": wheel.code, "pair": "caseworker_provider"}, {
            "instrument": wheel.pk,
            "pair": "caseworker_provider",
        }
    if report == "surveys":
        survey = instrument("citizen_survey")
        return {"instrument": survey.code}, {"instrument": survey.pk}
    return {}, {}


# Access


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("report", REPORTS)
def test_the_access_matrix_is_the_pages(world, client, login, bearer, role, report):
    """Managers read the reports of their own organisation; every other role gets 404 on the
    API as on the page."""
    user = getattr(world, role)
    api_query, page_query = queries(report)
    answer = client.get(f"{API}/{report}", api_query, **bearer(user))
    client.logout()
    page = login(user).get(reverse(f"reports:{report}"), page_query)
    expected = 200 if role == "manager" else 404
    assert (answer.status_code, page.status_code) == (expected, expected)
    if expected == 404:
        assert answer.json() == {"detail": "Not found."}


@pytest.mark.parametrize("report", REPORTS)
def test_without_a_token_the_answer_is_401(world, client, report):
    assert client.get(f"{API}/{report}", queries(report)[0]).status_code == 401


def test_another_organisations_manager_sees_only_their_own_cohort(
    world,
    client,
    bearer,
    plans_in_programme,
):
    other = make_user("othermanager", world.syd, Role.MANAGER)
    headers = bearer(other)
    answer = client.get(f"{API}/goals", **headers)
    assert answer.status_code == 200
    assert (answer.json()["citizens"], answer.json()["enrolments"]) == (0, 0)
    mine = client.get(f"{API}/goals", **bearer(world.manager)).json()
    assert (mine["citizens"], mine["enrolments"]) == (6, 6)
    # Nord's programme is not among the ones Syd's manager may choose, on the page or here.
    refused = client.get(f"{API}/goals", {"programme": plans_in_programme.pk}, **headers)
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["detail"]] == ["programme"]


# The tables equal the CSV exports


def normal(value) -> str:
    """A cell as text, numbers with a decimal point, so that the CSV's decimal commas and the
    JSON's numbers compare."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return repr(float(value))
    text = str(value)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return repr(number) if math.isfinite(number) else text


def flatten(report: str, tables: list[dict]) -> list[list[str]]:
    rows: list[list] = []
    for number, table in enumerate(tables):
        if report in SECTIONED:
            if number:
                rows.append([])
            if table["title"]:
                rows.append([table["title"]])
        if table["columns"]:
            rows.append(table["columns"])
        rows += table["rows"]
    return [[normal(v) for v in row] for row in rows]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    return [[normal(v) for v in row] for row in csv_table(response.content)]


def assert_json_is_the_csv(client, login, bearer, world, report, api_query, page_query):
    answer = client.get(f"{API}/{report}", api_query, **bearer(world.manager))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    client.logout()
    exported = login(world.manager).get(
        reverse(f"reports:{report}"), page_query | {"format": "csv"}
    )
    if body["citizens"] is None:  # a cohort of 1 to 4: one sentence, in both
        assert body["tables"] == [] and csv_rows(exported) == [body["summary"]]
    else:
        assert flatten(report, body["tables"]) == csv_rows(exported)
    assert body["report"] == report
    return body


DATA = {
    "progression": "cohort",
    "comparison": "two_programmes",
    "goals": "plans_in_programme",
    "monitoring": "plans_in_programme",
    "surveys": "answered",
    "agreement": "pairs",
    "quality": "followed",
}


@pytest.mark.parametrize("report", REPORTS)
def test_the_json_tables_are_the_csv_export(request, world, client, login, bearer, report):
    request.getfixturevalue(DATA[report])
    api_query, page_query = queries(report)
    body = assert_json_is_the_csv(client, login, bearer, world, report, api_query, page_query)
    assert body["tables"] and body["citizens"] > 0
    cells = [cell for table in body["tables"] for row in table["rows"] for cell in row[1:]]
    assert any(isinstance(cell, (int, float)) for cell in cells)
    assert not any(isinstance(cell, str) and cell.replace(",", "").isdigit() for cell in cells)


def test_progression_in_numbers_and_words(world, client, bearer, cohort):
    body = client.get(
        f"{API}/progression", queries("progression")[0], **bearer(world.manager)
    ).json()
    assert (body["citizens"], body["enrolments"]) == (9, 9)
    (table,) = body["tables"]
    assert table["columns"][:2] == ["Spørgsmål", "Borgere"]
    total = table["rows"][-1]
    assert total[0] == "Samlet score" and total[1] == 8 and isinstance(total[4], float)
    summary = " ".join(body["summary"])
    assert "8 af 9 forløb" in summary and "Rapporten dækker 9 forløb" in summary
    assert "Jacobson og Truax" in summary and "1 af 9 med en komplet første måling" in summary
    assert "Deltager" not in str(body)  # no names, ever


def test_the_fidelity_table_is_the_csv_export(world, client, login, bearer, answered):
    _survey, fidelity = answered
    body = assert_json_is_the_csv(
        client,
        login,
        bearer,
        world,
        "surveys",
        {"instrument": fidelity.code},
        {"instrument": fidelity.pk},
    )
    assert body["summary"] == ["Enheder, der har svaret: Trivsel, Vækst"]
    one_plan = next(r for r in body["tables"][0]["rows"] if r[1] == 2)
    assert one_plan[2] == 3.5


def test_the_filters_narrow_the_cohort_as_on_the_page(
    world,
    client,
    login,
    bearer,
    cohort,
):
    later = dt.date(2026, 3, 1)
    small = make_programme(world.nord, name="Lille forløb")
    for n in range(2):
        citizen = make_citizen(world.caseworker, first_name=f"Lille{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=small, start_date=later
        )
        record(world.caseworker, citizen, later + dt.timedelta(days=1), 3)
        record(world.caseworker, citizen, later + dt.timedelta(days=60), 5)
    wheel = instrument("adult_wheel")
    for api_extra, page_extra, expected in [
        ({"programme": small.pk}, {"programme": small.pk}, 2),
        ({"programme": cohort.pk}, {"programme": cohort.pk}, 9),
        ({"enrolled_from": "2026-02-01"}, {"enrolled_from": "2026-02-01"}, 2),
        ({"enrolled_to": "2026-02-01"}, {"enrolled_to": "2026-02-01"}, 9),
        ({"provider": world.nord.pk}, {"provider": world.nord.pk}, 11),
        ({"sex": "female"}, {"sex": "female"}, 11),
    ]:
        body = assert_json_is_the_csv(
            client,
            login,
            bearer,
            world,
            "progression",
            {"instrument": wheel.code} | api_extra,
            {"instrument": wheel.pk, "horizon": "latest"} | page_extra,
        )
        assert body["enrolments"] == (expected if expected >= 5 else None), api_extra


# Small groups


def test_a_cohort_under_five_is_suppressed_as_on_the_page(
    world,
    client,
    login,
    bearer,
    cohort,
):
    wheel = instrument("adult_wheel")
    # make_citizen makes women: no men, nothing shown but the coverage.
    body = assert_json_is_the_csv(
        client,
        login,
        bearer,
        world,
        "progression",
        {"instrument": wheel.code, "sex": "male"},
        {"instrument": wheel.pk, "horizon": "latest", "sex": "male"},
    )
    page = (
        login(world.manager)
        .get(reverse("reports:progression"), {"instrument": wheel.pk, "sex": "male"})
        .content.decode()
    )
    assert body["summary"][0] in page and body["summary"][0].startswith("Færre end 5")
    assert body["enrolments"] == 0
    for row in body["tables"][0]["rows"]:
        assert row[1] == "<5" and all(cell is None for cell in row[2:])


def test_a_small_programme_is_hidden_in_every_report(
    world,
    client,
    login,
    bearer,
    plans_in_programme,
    two_programmes,
):
    small = make_programme(world.nord, name="Lille forløb")
    for n in range(3):
        citizen = make_citizen(world.caseworker, first_name=f"Lille{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=small, start_date=START
        )
        record(world.caseworker, citizen, START + dt.timedelta(days=1), 3)
        record(world.caseworker, citizen, START + dt.timedelta(days=60), 5)
    with override("da"):
        cohort_sizes = {gettext("Citizens in the cohort"), gettext("Enrolments")}
    for report in REPORTS:
        api_query, page_query = queries(report)
        body = assert_json_is_the_csv(
            client,
            login,
            bearer,
            world,
            report,
            api_query | {"programme": small.pk},
            page_query | {"programme": small.pk},
        )
        # A cohort of 3: the one sentence, no figure, not even its size.
        assert body["citizens"] is None and body["tables"] == [], report
        assert body["summary"] == ["For få borgere til at vise resultater."], report
        numbers = [
            cell
            for table in body["tables"]
            for row in table["rows"]
            if row[0] not in cohort_sizes
            for cell in row[1:]
            if isinstance(cell, int)
        ]
        assert not [c for c in numbers if 0 < c < 5], (report, numbers)
    comparison = client.get(
        f"{API}/comparison", queries("comparison")[0], **bearer(world.manager)
    ).json()
    counts = {row[0]: row[1] for row in comparison["tables"][0]["rows"]}
    assert counts["Lille forløb"] == "<5" and list(counts.values()).count("<5") == 2


# Bad filters


@pytest.mark.parametrize(
    ("report", "parameter", "value", "status"),
    [
        ("goals", "programme", "abc", 422),
        ("goals", "programme", "0", 422),
        ("goals", "programme", str(2**40), 422),
        ("goals", "programme", "2147483647", 400),  # not one of the organisation's
        ("monitoring", "provider", "2147483647", 400),
        ("quality", "target_group", "no_such_group", 400),
        ("quality", "target_group", "bad code!", 422),
        ("goals", "age_band", "99", 422),
        ("goals", "sex", "other", 422),
        ("monitoring", "enrolled_from", "yesterday", 422),
        ("monitoring", "enrolled_to", "2026-02-30", 422),
        ("progression", "instrument", "no_such_instrument", 400),
        ("progression", "instrument", "citizen_survey", 400),  # not for progression
        ("progression", "instrument", "a\x00b", 422),
        ("progression", "horizon", "7", 422),
        ("comparison", "by", "caseworkers", 422),
        ("progression", "group", "everyone", 422),
        ("goals", "caseworker", "2147483647", 400),  # not a caseworker of the organisation
        ("agreement", "pair", "citizen_citizen", 422),
        ("surveys", "instrument", "adult_wheel", 400),  # not a survey
    ],
)
def test_a_bad_filter_names_the_parameter(world, client, bearer, report, parameter, value, status):
    query = queries(report)[0] | {parameter: value}
    answer = client.get(f"{API}/{report}", query, **bearer(world.manager))
    assert answer.status_code == status, answer.content
    detail = answer.json()["detail"]
    if status == 400:
        assert [e["field"] for e in detail] == [parameter]
    else:
        assert any(e["loc"][-1] == parameter for e in detail), detail


@pytest.mark.parametrize("report", ["progression", "comparison", "surveys", "agreement"])
def test_the_instrument_is_required(world, client, bearer, report):
    answer = client.get(f"{API}/{report}", **bearer(world.manager))
    assert answer.status_code == 422
    assert any(e["loc"][-1] == "instrument" for e in answer.json()["detail"])


# The access log


def test_reports_write_no_access_log_entry_as_on_the_pages(
    world,
    client,
    login,
    bearer,
    plans_in_programme,
):
    headers = bearer(world.manager)
    before = AccessLogEntry.objects.count()
    for report in REPORTS:
        api_query, page_query = queries(report)
        assert client.get(f"{API}/{report}", api_query, **headers).status_code == 200
    assert AccessLogEntry.objects.count() == before
    client.logout()
    pages = login(world.manager)
    for report in REPORTS:
        assert pages.get(reverse(f"reports:{report}"), queries(report)[1]).status_code == 200
    assert AccessLogEntry.objects.count() == before


# Generated requests, as a manager with data: no 5xx, and every answer as documented


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex="^/api/v1/reports/"
)


@pytest.fixture
def manager_headers(world, cohort, integration_client):
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    _token, key = services.api_token_issue(
        actor=world.administrator, user=integration_client(world.manager), name="Schemathesis"
    )
    yield {"Authorization": f"Bearer {key}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_reports_conform_to_the_schema_for_a_manager(case, manager_headers):
    case.call_and_validate(
        headers=manager_headers,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
