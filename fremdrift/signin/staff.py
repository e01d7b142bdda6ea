"""The organisation's staff accounts, managed by its administrators in the app: list, create,
change role and name, deactivate, a one-time link to set a password, and a reset of the
second factor. An administrator reaches only their own organisation's persons (anyone else:
404); integration clients are listed here and managed with their tokens by the `api` app's pages
(/accounts/users/clients/), which stand above this app."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fremdrift.accounts.access import require_administrator
from fremdrift.accounts.models import User
from fremdrift.accounts.selectors import password_set_link
from fremdrift.core.forms import errors_onto_form

from . import second_factor, services
from .forms import StaffForm


def _staff_member(request, user_id: int) -> User:
    require_administrator(request, hidden=True)
    member = User.objects.filter(
        pk=user_id, organisation_id=request.user.organisation_id, kind=User.Kind.PERSON
    ).first()
    if member is None:
        raise Http404
    return member


@login_required
@require_http_methods(["GET"])
def staff_list(request):
    require_administrator(request, hidden=True)
    members = User.objects.filter(
        organisation_id=request.user.organisation_id, kind=User.Kind.PERSON
    ).order_by("-is_active", "first_name", "username")
    with_factor = second_factor.users_with_second_factor(members)
    clients = (
        User.objects.filter(organisation_id=request.user.organisation_id, kind=User.Kind.SYSTEM)
        .select_related("integration_client")
        .order_by("first_name")
    )
    return render(
        request,
        "signin/staff_list.html",
        {"members": members, "with_second_factor": with_factor, "clients": clients},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    require_administrator(request, hidden=True)
    form = StaffForm(request.POST or None, new=True)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.staff_account_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            return render(
                request,
                "signin/staff_link.html",
                {"member": member, "link": password_set_link(member), "new": True},
            )
    return render(
        request, "signin/staff_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, user_id: int):
    member = _staff_member(request, user_id)
    initial = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "role": member.role,
        "is_active": member.is_active,
    }
    form = StaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_account_save(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            return redirect("signin:staff")
    return render(
        request,
        "signin/staff_form.html",
        {
            "form": form,
            "member": member,
            "has_second_factor": second_factor.has_second_factor(member),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def staff_password_link(request, user_id: int):
    member = _staff_member(request, user_id)
    services.password_link_issue(actor=request.user, member=member)
    return render(
        request, "signin/staff_link.html", {"member": member, "link": password_set_link(member)}
    )


@login_required
@require_POST
def staff_second_factor_reset(request, user_id: int):
    member = _staff_member(request, user_id)
    services.second_factor_reset(actor=request.user, member=member)
    return redirect("signin:staff_edit", user_id=member.pk)
