import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from fremdrift.accounts.access import require_administrator

from .forms import PackageUploadForm
from .models import PackageImport
from .services import package_import


@csrf_exempt  # the size is checked before the body is read; the form is checked below
@login_required
@require_http_methods(["GET", "POST"])
def package_upload(request: HttpRequest) -> HttpResponse:
    """Administrators upload an exchange package: it is checked, every error is shown, and
    only a package without errors is imported, in one transaction."""
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
        return _page(request, PackageUploadForm())
    form = PackageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["package"]
    with tempfile.NamedTemporaryFile(suffix=".zip") as stored:
        for chunk in upload.chunks():
            stored.write(chunk)
        stored.flush()
        result = package_import(
            actor=request.user,
            path=stored.name,
            dry_run=form.cleaned_data["dry_run"],
            package_name=upload.name,
        )
    return _page(request, form, result=result, status=200 if result.ok else 400)


def _page(request, form, *, status: int = 200, **context) -> HttpResponse:
    context |= {
        "form": form,
        "imports": PackageImport.objects.select_related("imported_by")[:10],
    }
    return render(request, "exchange/upload.html", context, status=status)
