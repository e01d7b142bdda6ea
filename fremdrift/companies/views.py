"""The company register's pages: the list, a new company, a company with its contact persons,
open positions and placements of the organisation's own citizens (logged), and its edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fremdrift.accounts.access import may_use_company_register
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.core.exceptions import StaleVersion
from fremdrift.core.forms import error_sentence, errors_onto_form

from . import selectors, services
from .forms import CompanyForm, ContactForm, VacancyForm
from .models import Company


def _register(request: HttpRequest) -> None:
    if not may_use_company_register(request.user):
        raise Http404


@login_required
@require_GET
def company_list(request: HttpRequest) -> HttpResponse:
    """The organisation's companies, those with running placements first, with their count."""
    _register(request)
    companies = list(selectors.companies_for(request.user))
    return render(request, "companies/company_list.html", {"companies": companies})


def _company_data(form: CompanyForm) -> dict:
    data = form.cleaned_data
    return {k: data[k] for k in ("name", "cvr", "address", "size_band", "sector", "notes")}


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request: HttpRequest) -> HttpResponse:
    _register(request)
    form = CompanyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                company = services.company_create(
                    actor=request.user,
                    organisation=request.user.organisation,
                    **_company_data(form),
                )
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("The company has been added to the register."))
                return redirect("companies:detail", company_id=company.pk)
        return render(request, "companies/company_form.html", {"form": form}, status=400)
    return render(request, "companies/company_form.html", {"form": form})


def _detail(request, company: Company, *, status: int = 200, **forms) -> HttpResponse:
    placements = selectors.placements_of(request.user, company)
    access_log_write(
        user=request.user,
        action=AccessAction.VIEW,
        subjects=placements["citizens"],
        path=request.path,
    )
    context = {
        "company": company,
        "contacts": selectors.contacts_of(company),
        "vacancies": selectors.vacancies_of(company),
        "placements": placements,
        "contact_form": forms.get("contact_form") or ContactForm(),
        "vacancy_form": forms.get("vacancy_form") or VacancyForm(),
    }
    return render(request, "companies/company_detail.html", context, status=status)


@login_required
@require_GET
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
    return _detail(request, selectors.company_get(request.user, company_id))


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, company_id: int) -> HttpResponse:
    company = selectors.company_get(request.user, company_id)
    if request.method == "GET":
        form = CompanyForm(
            initial={
                "name": company.name,
                "cvr": company.cvr,
                "address": company.address,
                "size_band": company.size_band,
                "sector": company.sector,
                "notes": company.notes,
                "version": company.version,
            }
        )
        return render(request, "companies/company_form.html", {"form": form, "company": company})
    form = CompanyForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.company_update(
                actor=request.user,
                company=company,
                expected_version=form.cleaned_data["version"],
                **_company_data(form),
            )
        except StaleVersion:
            status = 409
            form.add_error(
                None,
                _(
                    "Someone else changed this company while you were editing. "
                    "Reload the page and make your change again."
                ),
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The company has been saved."))
            return redirect("companies:detail", company_id=company.pk)
    return render(
        request, "companies/company_form.html", {"form": form, "company": company}, status=status
    )


def _switched_off(request: HttpRequest, company: Company, switch_off, done: str) -> HttpResponse:
    """A button that retires the company or closes a position: `switch_off()` calls the
    service; a refusal (done already) or `done` among the messages, back on the company."""
    try:
        switch_off()
    except ValidationError as error:
        messages.error(request, error_sentence(error))
    else:
        messages.success(request, done)
    return redirect("companies:detail", company_id=company.pk)


def _added(request: HttpRequest, company_id: int, form_class, add, done: str, form_name: str):
    """A contact person or an open position added from the company's page by the service
    `add` with the form's fields; on a refusal the page again with the form (400)."""
    company = selectors.company_get(request.user, company_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            add(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, done)
            return redirect("companies:detail", company_id=company.pk)
    return _detail(request, company, status=400, **{form_name: form})


@login_required
@require_POST
def company_retire(request: HttpRequest, company_id: int) -> HttpResponse:
    company = selectors.company_get(request.user, company_id)
    return _switched_off(
        request,
        company,
        lambda: services.company_retire(actor=request.user, company=company, expected_version=None),
        _("The company has been retired."),
    )


@login_required
@require_POST
def contact_add(request: HttpRequest, company_id: int) -> HttpResponse:
    return _added(
        request,
        company_id,
        ContactForm,
        services.company_contact_add,
        _("The contact person has been added."),
        "contact_form",
    )


@login_required
@require_POST
def vacancy_add(request: HttpRequest, company_id: int) -> HttpResponse:
    return _added(
        request,
        company_id,
        VacancyForm,
        services.vacancy_add,
        _("The open position has been added."),
        "vacancy_form",
    )


@login_required
@require_POST
def vacancy_close(request: HttpRequest, company_id: int, vacancy_id: int) -> HttpResponse:
    company = selectors.company_get(request.user, company_id)
    vacancy = get_object_or_404(company.vacancies, pk=vacancy_id)
    return _switched_off(
        request,
        company,
        lambda: services.vacancy_close(actor=request.user, vacancy=vacancy),
        _("The position has been marked as filled."),
    )
