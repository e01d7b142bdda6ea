"""The import page's two steps: "Check the package" keeps the checked file on the server,
"Import" imports that file; the format description and the example package are a click away;
a library's error reaches the administrator in their language."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from fremdrift.citizens.models import Citizen
from fremdrift.exchange import checked
from fremdrift.exchange.format import library_problem
from fremdrift.exchange.models import PackageImport

URL = "/exchange/"


def zipped(folder, tmp_path):
    packed = tmp_path / "pakke.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    return packed


def kept_files():
    return sorted(checked._folder().glob("*.zip"))


@pytest.fixture(autouse=True)
def no_kept_files():
    for path in kept_files():
        path.unlink()
    yield
    for path in kept_files():
        path.unlink()


def test_check_then_import_the_kept_file(fremby, login, example, tmp_path):
    client = login(fremby.administrator)
    page = client.get(URL).content.decode()
    assert 'data-testid="check-button"' in page and 'data-testid="import-button"' not in page
    assert 'name="dry_run"' not in page  # no "only check" box any more
    with open(zipped(example, tmp_path), "rb") as package:
        check = client.post(URL, {"package": package})
    assert check.status_code == 200
    assert not Citizen.objects.exists() and not PackageImport.objects.exists()
    html = check.content.decode()
    assert 'data-testid="import-button"' in html and "pakke.zip" in html
    assert len(kept_files()) == 1  # kept on the server, not in the session or the page
    token = client.session[checked.SESSION_KEY]["token"]
    assert token not in html
    imported = client.post(reverse("exchange:import"))
    assert imported.status_code == 200
    assert Citizen.objects.count() == 3 and PackageImport.objects.count() == 1
    assert PackageImport.objects.get().package_name == "pakke.zip"
    assert kept_files() == [] and checked.SESSION_KEY not in client.session
    # A second press imports nothing again: the package must be checked anew.
    again = client.post(reverse("exchange:import"))
    assert again.status_code == 400 and 'data-testid="check-first"' in again.content.decode()
    assert PackageImport.objects.count() == 1


def test_import_without_a_check_is_refused(fremby, login):
    response = login(fremby.administrator).post(reverse("exchange:import"))
    assert response.status_code == 400
    assert 'data-testid="check-first"' in response.content.decode()
    assert not Citizen.objects.exists()


def test_a_package_with_errors_is_not_kept_and_cannot_be_imported(fremby, login, example, tmp_path):
    text = (example / "citizens.csv").read_text(encoding="utf-8-sig")
    (example / "citizens.csv").write_text(text.replace("120491-1234", "320491-1234"), "utf-8-sig")
    client = login(fremby.administrator)
    with open(zipped(example, tmp_path), "rb") as package:
        response = client.post(URL, {"package": package})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html and 'data-testid="import-button"' not in html
    assert kept_files() == []
    assert client.post(reverse("exchange:import")).status_code == 400


def test_a_kept_file_older_than_an_hour_is_deleted(fremby, login, example, tmp_path):
    client = login(fremby.administrator)
    with open(zipped(example, tmp_path), "rb") as package:
        client.post(URL, {"package": package})
    [path] = kept_files()
    import os
    import time

    old = time.time() - checked.MAX_AGE_SECONDS - 60
    os.utime(path, (old, old))
    assert client.post(reverse("exchange:import")).status_code == 400
    assert kept_files() == [] and not Citizen.objects.exists()


def test_a_file_that_is_not_a_zip_gets_the_message_in_the_pages_language(fremby, login, tmp_path):
    bogus = tmp_path / "regneark.xlsx"
    bogus.write_bytes(b"this is no zip at all")
    client = login(fremby.administrator)
    with open(bogus, "rb") as package:
        response = client.post(URL, {"package": package})
    assert response.status_code == 400
    html = response.content.decode()
    assert "File is not a zip file" not in html
    with translation.override("da"):
        assert library_problem(zipfile.BadZipFile("File is not a zip file")) in html
    assert kept_files() == []


def test_library_errors_map_to_our_own_messages():
    with translation.override("en"):
        assert library_problem(zipfile.BadZipFile("File is not a zip file")) == (
            "the file is not a ZIP file"
        )
        assert "checksum" in library_problem(zipfile.BadZipFile("Bad CRC-32 for file 'a'"))
        assert library_problem(EOFError()) == "the ZIP file is cut short or damaged"
        assert library_problem(OSError("boom")) == "the file cannot be read"


def test_the_example_package_downloads_as_a_zip_that_checks_without_errors(fremby, login, tmp_path):
    client = login(fremby.administrator)
    page = client.get(URL).content.decode()
    assert reverse("exchange:example") in page
    download = client.get(reverse("exchange:example"))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content) if download.streaming else download.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert "manifest.json" in archive.namelist()
    packed = tmp_path / "eksempel.zip"
    packed.write_bytes(body)
    with open(packed, "rb") as package:
        check = client.post(URL, {"package": package})
    assert check.status_code == 200
    assert 'data-testid="import-errors"' not in check.content.decode()
    assert not Citizen.objects.exists()


def test_the_format_description_is_linked_and_shown(fremby, login):
    client = login(fremby.administrator)
    assert reverse("exchange:format") in client.get(URL).content.decode()
    response = client.get(reverse("exchange:format"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="format-description"' in html and "manifest.json" in html


@pytest.mark.parametrize("name", ["exchange:format", "exchange:example"])
def test_the_help_is_for_administrators(fremby, login, name):
    assert login(fremby.caseworker).get(reverse(name)).status_code == 404
