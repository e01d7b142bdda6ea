import io
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fremdrift.accounts.access import require_administrator

from . import checked
from .forms import PackageUploadForm
from .models import PackageImport
from .services import package_import

DOCS = Path(settings.BASE_DIR) / "docs"
FORMAT_DOC = DOCS / "exchange-format.md"
EXAMPLE = DOCS / "exchange-example"


@csrf_exempt  # the size is checked before the body is read; the form is checked below
@login_required
@require_http_methods(["GET", "POST"])
def package_upload(request: HttpRequest) -> HttpResponse:
    """Step 1, "Check the package": administrators upload an exchange package; it is checked
    (a dry run, nothing kept in the database) and every error is shown. A package without
    errors is kept on the server for step 2, `package_import_checked`."""
    require_administrator(request, hidden=True)
    limit = settings.FREMDRIFT_EXCHANGE_MAX_UPLOAD_MB
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit * 1024 * 1024:
            # Refused before the body is read, so a 2 GB upload costs nothing.
            message = _(
                "The package is larger than %(limit)d MB. Import it with the command "
                "import_package instead."
            ) % {"limit": limit}
            return _page(request, PackageUploadForm(), status=413, too_large=message)
    return _checked_upload(request)


@csrf_protect
def _checked_upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, PackageUploadForm(), pending=_pending(request))
    form = PackageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["package"]
    _forget(request)
    token, path = checked.checked_keep(upload)
    result = package_import(actor=request.user, path=path, dry_run=True, package_name=upload.name)
    if not result.ok:
        checked.checked_discard(token)
        return _page(request, form, result=result, status=400)
    request.session[checked.SESSION_KEY] = {
        "token": token,
        "name": upload.name,
        "at": time.time(),
    }
    return _page(request, PackageUploadForm(), result=result, pending=_pending(request))


@login_required
@require_POST
def package_import_checked(request: HttpRequest) -> HttpResponse:
    """Step 2, "Import": imports the package checked in step 1, from the file kept on the
    server, and deletes the file. The package is checked again as it is imported."""
    require_administrator(request, hidden=True)
    pending = _pending(request)
    if pending is None:
        message = _("Check the package first; a checked package is kept for an hour.")
        return _page(request, PackageUploadForm(), status=400, expired=message)
    try:
        result = package_import(
            actor=request.user, path=pending["path"], package_name=pending["name"]
        )
    finally:
        _forget(request)
    return _page(request, PackageUploadForm(), result=result, status=200 if result.ok else 400)


@login_required
@require_GET
def format_description(request: HttpRequest) -> HttpResponse:
    """The description of the exchange format (`docs/exchange-format.md`), as a page."""
    require_administrator(request, hidden=True)
    try:
        text = FORMAT_DOC.read_text(encoding="utf-8")
    except OSError:
        raise Http404 from None
    return render(request, "exchange/format.html", {"text": text})


@login_required
@require_GET
def example_package(request: HttpRequest) -> HttpResponse:
    """The example package (`docs/exchange-example/`), zipped as it is downloaded."""
    require_administrator(request, hidden=True)
    if not EXAMPLE.is_dir():
        raise Http404
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(EXAMPLE.iterdir()):
            if path.is_file():
                archive.write(path, path.name)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="fremdrift-exchange-example.zip"'
    return response


def _pending(request: HttpRequest) -> dict | None:
    """The package checked in this session and still kept, with its path."""
    kept = request.session.get(checked.SESSION_KEY)
    if not isinstance(kept, dict):
        return None
    path = checked.checked_path(str(kept.get("token", "")))
    if path is None:
        request.session.pop(checked.SESSION_KEY, None)
        return None
    return {"name": kept.get("name", ""), "path": path}


def _forget(request: HttpRequest) -> None:
    kept = request.session.pop(checked.SESSION_KEY, None)
    if isinstance(kept, dict):
        checked.checked_discard(str(kept.get("token", "")))


def _page(request, form, *, status: int = 200, **context) -> HttpResponse:
    context |= {
        "form": form,
        "imports": PackageImport.objects.select_related("imported_by")[:10],
    }
    return render(request, "exchange/upload.html", context, status=status)
