"""An uploaded package costs bounded memory: a ZIP bomb is refused by its expansion ratio
before it is unpacked, and a line of hundreds of megabytes is read no further than the bound."""

import json
import tracemalloc
import zipfile

from fremdrift.exchange.services import package_import

MANIFEST = {
    "format": "fremdrift-exchange",
    "version": 1,
    "source_system": "bombe",
    "files": ["citizens.csv"],
}
HEADER = "id;cpr;first_name;last_name;target_group;organisation;caseworker\n"
MB = 1024 * 1024


def peak_memory_of(call):
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_one_megabyte_zip_bomb_is_refused_without_unpacking_it(fremby, tmp_path):
    bomb = tmp_path / "bomb.zip"
    chunk = b"A" * (8 * MB)
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("manifest.json", json.dumps(MANIFEST))
        with z.open("citizens.csv", "w", force_zip64=True) as out:
            out.write(HEADER.encode())
            for _ in range(128):  # a gigabyte
                out.write(chunk)
    assert bomb.stat().st_size < 2 * MB

    result, peak = peak_memory_of(
        lambda: package_import(actor=fremby.administrator, path=bomb, dry_run=True)
    )
    assert peak < 200 * MB
    assert not result.ok
    message = " ".join(str(error) for error in result.errors)
    assert "citizens.csv" in message and "pakkede størrelse" in message


def test_a_line_of_300_megabytes_is_read_no_further_than_the_bound(fremby, tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(MANIFEST))
    with open(folder / "citizens.csv", "w", encoding="utf-8") as out:
        out.write(HEADER)
        for _ in range(300):
            out.write("x" * MB)
        out.write("\n")

    result, peak = peak_memory_of(
        lambda: package_import(actor=fremby.administrator, path=folder, dry_run=True)
    )
    assert peak < 200 * MB
    assert not result.ok
    [error] = [e for e in result.errors if e.file == "citizens.csv"]
    assert error.line == 2
    assert "længere end" in error.message
