#!/usr/bin/env python3
"""Bring the built assets of Det Fælles Designsystem (dkfds) and htmx into the static files,
and axe-core into the browser tests.

    python3 scripts/vendor_assets.py

Fetches the pinned releases from the npm registry with `npm pack` and copies the minified CSS
and JavaScript, and every font and image the CSS refers to, into
fremdrift/core/static/vendor/, and axe-core's axe.min.js (the accessibility checker the browser
tests run in the page; never served) into fremdrift/core/tests/vendor/axe-core/. The result is
committed, so that a fresh clone runs without npm.
To upgrade, change a version below, run the script, look at the pages, and commit.
"""

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

DKFDS_VERSION = "11.2.0"
HTMX_VERSION = "2.0.8"
AXE_VERSION = "4.14.1"

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "fremdrift" / "core" / "static" / "vendor"
TEST_VENDOR = ROOT / "fremdrift" / "core" / "tests" / "vendor"


def npm_pack(package: str, version: str, workdir: Path) -> Path:
    subprocess.run(
        ["npm", "pack", "--silent", f"{package}@{version}"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tarball = next(workdir.glob(f"{package.replace('.', '?')}-{version}.tgz"))
    target = workdir / package
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def vendor_dkfds(workdir: Path) -> None:
    dist = npm_pack("dkfds", DKFDS_VERSION, workdir) / "dist"
    out = VENDOR / "dkfds"
    shutil.rmtree(out, ignore_errors=True)
    (out / "css").mkdir(parents=True)
    (out / "js").mkdir(parents=True)
    css = (dist / "css" / "dkfds.min.css").read_text()
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
    (out / "css" / "dkfds.min.css").write_text(css)
    js = (dist / "js" / "dkfds.min.js").read_text()
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    (out / "js" / "dkfds.min.js").write_text(js)
    for reference in sorted(set(re.findall(r"url\(['\"]?\.\./([^'\")?#]+)", css))):
        source = dist / reference
        target = out / reference
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    shutil.copyfile(dist / "img" / "all-svg-icons.svg", out / "img" / "all-svg-icons.svg")
    shutil.copyfile(dist / "LICENSE.md", out / "LICENSE.md")
    (out / "VERSION").write_text(f"dkfds {DKFDS_VERSION}\n")


def vendor_htmx(workdir: Path) -> None:
    dist = npm_pack("htmx.org", HTMX_VERSION, workdir) / "dist"
    out = VENDOR / "htmx"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copyfile(dist / "htmx.min.js", out / "htmx.min.js")
    (out / "VERSION").write_text(f"htmx.org {HTMX_VERSION}\n")


def vendor_axe(workdir: Path) -> None:
    package = npm_pack("axe-core", AXE_VERSION, workdir)
    out = TEST_VENDOR / "axe-core"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copyfile(package / "axe.min.js", out / "axe.min.js")
    shutil.copyfile(package / "LICENSE", out / "LICENSE")
    (out / "VERSION").write_text(f"axe-core {AXE_VERSION}\n")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        vendor_dkfds(Path(tmp))
        vendor_htmx(Path(tmp))
        vendor_axe(Path(tmp))
    print(f"Vendored dkfds {DKFDS_VERSION} and htmx.org {HTMX_VERSION} into {VENDOR}")
    print(f"Vendored axe-core {AXE_VERSION} into {TEST_VENDOR}")


if __name__ == "__main__":
    main()
