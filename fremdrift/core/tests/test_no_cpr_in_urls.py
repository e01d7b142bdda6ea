"""No full CPR number in any URL: server and proxy access logs keep URLs outside the
application's redaction, so a CPR number in a query string is refused on every route."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.selectors import citizen_cpr

FORMS = ["{digits}", "{formatted}", "{digits6} {digits4}"]


def cpr_forms(citizen) -> list[str]:
    cpr = citizen_cpr(citizen)
    return [
        form.format(
            digits=cpr.digits,
            formatted=cpr.formatted,
            digits6=cpr.digits[:6],
            digits4=cpr.digits[6:],
        )
        for form in FORMS
    ]


def all_paths(patterns=None, prefix="") -> list[str]:
    """Every route with its parameters filled in with 1 (the rule holds before routing)."""
    paths = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += all_paths(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            path = re.sub(r"<(?:\w+:)?\w+>", "1", route).lstrip("^").rstrip("$")
            paths.append("/" + path.replace("\\Z", ""))
    return paths


def test_a_cpr_number_typed_into_the_search_url_is_refused_with_directions(world, login):
    client = login(world.caseworker)
    for cpr in cpr_forms(world.citizen):
        response = client.get(reverse("citizens:list"), {"q": cpr})
        assert response.status_code == 400
        page = response.content.decode()
        assert "søgefeltet" in page and 'href="/citizens/#id_q"' in page
        assert citizen_cpr(world.citizen).digits[6:] not in page
    assert not AccessLogEntry.objects.filter(action="search").exists()


def test_the_search_field_posts_and_finds_by_cpr_number_and_by_name(world, login):
    client = login(world.caseworker)
    found = client.post(reverse("citizens:list"), {"q": citizen_cpr(world.citizen).formatted})
    assert found.status_code == 200 and "Karen Blixen" in found.content.decode()
    by_name = client.get(reverse("citizens:list"), {"q": "Blixen"})
    assert by_name.status_code == 200 and "Karen Blixen" in by_name.content.decode()


def test_every_route_refuses_a_cpr_number_in_its_query(world, login):
    client = login(world.caseworker)
    paths = all_paths()
    assert len(paths) > 80
    for path in paths:
        response = client.get(path, {"x": "010190-1234"})
        assert response.status_code == 400, path
        if path.startswith("/api/"):
            assert response.json()["detail"][0]["field"] == "x", path
            assert "CPR" in response.json()["detail"][0]["message"], path


@pytest.mark.parametrize(
    "url",
    [
        "/citizens/?q=0101901234",
        "/accounts/login/?next=/citizens/%3Fq%3D0101901234",
        "/accounts/login/?next=%2Fcitizens%2F%3Fq%3D010190-1234",
    ],
)
def test_the_login_next_never_carries_a_cpr_number(db, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Location" not in response
