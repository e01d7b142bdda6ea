"""The upload page: administrators only; every error shown; nothing written unless all is well."""

import zipfile

import pytest
from django.urls import reverse

from fremdrift.citizens.models import Citizen
from fremdrift.exchange.models import PackageImport
from fremdrift.testing import signed_in

URL = "/exchange/"


def zipped(folder, tmp_path):
    packed = tmp_path / "pakke.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    return packed


def test_the_page_has_its_path():
    assert reverse("exchange:upload") == URL


@pytest.mark.parametrize("role", ["caseworker", "manager", "administrator"])
def test_it_checks_ownership(fremby, login, example, tmp_path, role):
    client = login(getattr(fremby, role))
    assert client.get(URL).status_code == (200 if role == "administrator" else 404)
    with open(zipped(example, tmp_path), "rb") as package:
        response = client.post(URL, {"package": package})
    assert response.status_code == (200 if role == "administrator" else 404)
    imported = client.post(reverse("exchange:import"))
    assert imported.status_code == (200 if role == "administrator" else 404)
    assert Citizen.objects.exists() == (role == "administrator")


def test_a_check_then_the_import(fremby, login, example, tmp_path):
    client = login(fremby.administrator)
    packed = zipped(example, tmp_path)
    with open(packed, "rb") as package:
        checked = client.post(URL, {"package": package})
    assert checked.status_code == 200 and not Citizen.objects.exists()
    assert 'data-testid="import-button"' in checked.content.decode()
    imported = client.post(reverse("exchange:import"))
    page = imported.content.decode()
    assert imported.status_code == 200 and "Pakken er importeret" in page
    assert Citizen.objects.count() == 3 and PackageImport.objects.count() == 1
    assert "pakke.zip" in client.get(URL).content.decode()


def test_every_error_is_shown_with_its_place_and_nothing_is_written(
    fremby, login, example, tmp_path
):
    text = (example / "citizens.csv").read_text(encoding="utf-8-sig")
    (example / "citizens.csv").write_text(
        text.replace("120491-1234", "320491-1234").replace("sagsbehandler\nB-3", "nobody\nB-3"),
        encoding="utf-8-sig",
    )
    client = login(fremby.administrator)
    with open(zipped(example, tmp_path), "rb") as package:
        response = client.post(URL, {"package": package})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page
    assert "<td>citizens.csv</td><td>2</td><td>cpr</td>" in page
    assert "<td>citizens.csv</td><td>3</td><td>caseworker</td>" in page
    assert "Intet blev importeret" in page
    assert not Citizen.objects.exists() and not PackageImport.objects.exists()


def test_a_file_that_is_not_a_package(fremby, login, tmp_path):
    client = login(fremby.administrator)
    bogus = tmp_path / "regneark.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not really a zip")
    with open(bogus, "rb") as package:
        response = client.post(URL, {"package": package})
    assert response.status_code == 400 and "ZIP" in response.content.decode()


def test_a_2_gb_upload_is_refused_before_it_is_read(fremby, login, example, tmp_path):
    client = login(fremby.administrator)
    with open(zipped(example, tmp_path), "rb") as package:
        response = client.post(URL, {"package": package}, CONTENT_LENGTH=str(2 * 1024**3))
    assert response.status_code == 413
    assert 'data-testid="too-large"' in response.content.decode()
    assert not Citizen.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(fremby, example, tmp_path):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    signed_in(client, fremby.administrator)
    with open(zipped(example, tmp_path), "rb") as package:
        response = client.post(URL, {"package": package})
    assert response.status_code == 403 and not Citizen.objects.exists()
