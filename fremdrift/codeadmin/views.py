"""The administrators' pages of the code lists: the lists, and one list with its codes, where
an organisation's own codes are added, renamed, retired and taken back into use."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fremdrift.accounts.access import require_administrator
from fremdrift.codelists import selectors as code_reads
from fremdrift.codelists.models import TWO_LEVEL, CodeList
from fremdrift.core.forms import errors_onto_form

from . import selectors, services
from .forms import CodeAddForm, CodeRenameForm


@login_required
def code_lists(request: HttpRequest) -> HttpResponse:
    require_administrator(request)
    return render(
        request,
        "codeadmin/code_lists.html",
        {"lists": code_reads.code_lists_overview(organisation=request.user.organisation)},
    )


def _list_or_404(code_list: str) -> tuple[str, str]:
    if code_list not in CodeList.values:
        raise Http404
    return code_list, dict(CodeList.choices)[code_list]


def _add_form(code_list: str, data=None) -> CodeAddForm:
    groups = code_reads.code_groups(code_list=code_list) if code_list in TWO_LEVEL else None
    return CodeAddForm(data, groups=groups, prefix="add")


def _page(request, code_list: str, *, add_form=None, rename_forms=None, status=200):
    code_list, label = _list_or_404(code_list)
    organisation = request.user.organisation
    codes = code_reads.code_list_codes(code_list=code_list, organisation=organisation)
    own = [code for code in codes if code.organisation_id is not None]
    history = selectors.code_history(codes=own)
    rename_forms = rename_forms or {}
    rows = [
        {
            "code": code,
            "history": history.get(code.pk, []),
            "rename_form": rename_forms.get(code.pk)
            or CodeRenameForm(
                prefix=f"code{code.pk}",
                initial={
                    "label_da": code.label_da,
                    "label_en": code.label_en,
                    "sort_order": code.sort_order,
                },
            ),
        }
        for code in codes
    ]
    return render(
        request,
        "codeadmin/code_list.html",
        {
            "code_list": code_list,
            "label": label,
            "two_level": code_list in TWO_LEVEL,
            "rows": rows,
            "add_form": add_form or _add_form(code_list),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_list_page(request: HttpRequest, code_list: str) -> HttpResponse:
    """The codes of one list (defaults and the organisation's own), and the form that adds an
    own code."""
    require_administrator(request)
    _list_or_404(code_list)
    if request.method == "GET":
        return _page(request, code_list)
    form = _add_form(code_list, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            code = services.code_add(
                actor=request.user,
                organisation=request.user.organisation,
                code_list=code_list,
                code=data["code"],
                label_da=data["label_da"],
                label_en=data["label_en"],
                sort_order=data["sort_order"],
                parent=data.get("parent"),
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The code %(code)s has been added.") % {"code": code.code})
            return redirect("codelists:detail", code_list=code_list)
    return _page(request, code_list, add_form=form, status=400)


@login_required
@require_POST
def code_change(request: HttpRequest, code_list: str, code_id: int) -> HttpResponse:
    """Renames, retires or takes back into use one of the organisation's own codes."""
    require_administrator(request)
    _list_or_404(code_list)
    code = code_reads.code_own_get(organisation=request.user.organisation, code_id=code_id)
    if code is None or code.code_list != code_list:
        raise Http404
    action = request.POST.get("action")
    form = None
    try:
        if action == "retire":
            services.code_retire(actor=request.user, code=code)
            messages.success(request, _("The code %(code)s is retired.") % {"code": code.code})
        elif action == "reactivate":
            services.code_reactivate(actor=request.user, code=code)
            messages.success(
                request, _("The code %(code)s is offered again.") % {"code": code.code}
            )
        elif action == "rename":
            form = CodeRenameForm(request.POST, prefix=f"code{code.pk}")
            if not form.is_valid():
                return _page(request, code_list, rename_forms={code.pk: form}, status=400)
            services.code_rename(actor=request.user, code=code, **form.cleaned_data)
            messages.success(
                request, _("The code %(code)s has been changed.") % {"code": code.code}
            )
        else:
            raise Http404
    except ValidationError as error:
        if form is not None:
            errors_onto_form(form, error)
            return _page(request, code_list, rename_forms={code.pk: form}, status=400)
        for message in error.messages:
            messages.error(request, message)
        return _page(request, code_list, status=400)
    return redirect("codelists:detail", code_list=code_list)
