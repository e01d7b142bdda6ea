import os
import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "da" / "LC_MESSAGES"


@pytest.fixture
def msgfmt():
    path = shutil.which("msgfmt")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("gettext's msgfmt is required in CI (.ci/run installs it)")
        pytest.skip("gettext is not installed")
    return path


def test_every_interface_text_has_a_danish_translation(msgfmt, tmp_path):
    result = subprocess.run(
        [
            msgfmt,
            "--check",
            "--statistics",
            "-o",
            str(tmp_path / "django.mo"),
            str(CATALOGUE / "django.po"),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_compiled_catalogue_matches_the_source(msgfmt, tmp_path):
    subprocess.run(
        [msgfmt, "-o", str(tmp_path / "django.mo"), str(CATALOGUE / "django.po")], check=True
    )
    assert (tmp_path / "django.mo").read_bytes() == (CATALOGUE / "django.mo").read_bytes(), (
        "Run `make messages` and commit django.mo"
    )
