import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import citizen_get, may_export_subject_access

from .subject_access import subject_access_export
from .subject_access_forms import SubjectAccessForm


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """The citizen's subject-access export: GET asks its purpose and says what it holds, POST
    answers the ZIP. Outside the scope 404; in it, anyone but the home organisation's
    caseworkers 403."""
    citizen = citizen_get(request.user, citizen_id)
    if not may_export_subject_access(request.user, citizen):
        raise PermissionDenied
    form = SubjectAccessForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        out = io.BytesIO()
        subject_access_export(
            actor=request.user,
            citizen=citizen,
            purpose=form.purpose_for_log(),
            out=out,
            path=request.path,
        )
        response = HttpResponse(out.getvalue(), content_type="application/zip")
        name = f"indsigt-{citizen.pk}-{timezone.localdate():%Y-%m-%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    return render(
        request,
        "rights/subject_access.html",
        {"citizen": citizen, "form": form},
        status=400 if form.is_bound else 200,
    )
