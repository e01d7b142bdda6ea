from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from fremdrift.accounts.access import require_administrator
from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.citizens import selectors as citizen_selectors
from fremdrift.core.exports import About, csv_response

from . import selectors
from .forms import AccessLogSearchForm
from .models import AccessAction
from .services import access_log_write


@login_required
@sensitive_post_parameters("cpr")
@require_http_methods(["GET", "POST"])
def access_log(request: HttpRequest) -> HttpResponse:
    """Administrators search the access log by citizen, user and period. The form posts, so
    that a CPR number is never part of a URL."""
    require_administrator(request)
    organisation_id = request.user.organisation_id
    form = AccessLogSearchForm(request.POST if request.method == "POST" else None)
    page = None
    citizen = None
    not_found = False
    filters = {"organisation_id": organisation_id}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        citizen_id = None
        if data["cpr"] or data["citizen_id"]:
            citizen = citizen_selectors.citizen_for_log_lookup(
                organisation_id=organisation_id, citizen_id=data["citizen_id"], cpr=data["cpr"]
            )
            not_found = citizen is None
            citizen_id = citizen.pk if citizen else -1
        user_id = None
        if data["username"]:
            user = User.objects.filter(username=data["username"]).first()
            user_id = user.pk if user else -1
        filters |= {
            "citizen_id": citizen_id,
            "user_id": user_id,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    if not form.is_bound or form.is_valid():
        # The page opens with the newest rows; a search narrows them. Reads and changes side
        # by side, the log as it was before this search.
        number = request.POST.get("page") or "1"
        page = selectors.access_log_page(page=int(number) if number.isdigit() else 1, **filters)
        if citizen is not None:
            access_log_write(
                user=request.user,
                action=AccessAction.SEARCH,
                citizen=citizen,
                purpose=_("Access log"),
                criterion=citizen_selectors.criterion_for_log(form.cleaned_data["cpr"] or ""),
                path=request.path,
            )
        for entry in page.object_list:
            if not getattr(entry, "is_change", False):
                entry.shown_criterion = selectors.masked_criterion(entry.criterion)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": page, "citizen": citizen, "not_found": not_found},
    )


@login_required
@require_http_methods(["GET"])
def user_access_history(request: HttpRequest) -> HttpResponse:
    """Users and roles: the organisation's users and every change of their access."""
    require_administrator(request)
    users, changes = selectors.user_access_history(organisation_id=request.user.organisation_id)
    roles = dict(Role.choices)
    organisations = dict(Organisation.objects.values_list("pk", "name"))

    def shown(state: dict | None) -> list[str]:
        if not state:
            return []
        labels = {
            "role": lambda v: roles.get(v, v) or "–",
            "organisation": lambda v: organisations.get(v, v) or "–",
        }
        return [
            f"{USER_FIELDS.get(k, k)}: {labels.get(k, lambda v: _('yes') if v else _('no'))(v)}"
            for k, v in state.items()
        ]

    rows = [
        {"username": name, "change": c, "before": shown(c.before), "after": shown(c.after)}
        for name, c in changes
    ]
    return render(request, "audit/users.html", {"users": users, "changes": rows})


USER_FIELDS = {
    "role": gettext_lazy("role"),
    "organisation": gettext_lazy("organisation"),
    "is_active": gettext_lazy("active"),
    "is_superuser": gettext_lazy("all permissions in the admin"),
    "is_staff": gettext_lazy("signs in to the admin"),
}


@login_required
@require_http_methods(["POST"])
def access_log_criterion(request: HttpRequest, entry_id: int) -> HttpResponse:
    """The whole search criterion of one entry, opened on purpose, and logged."""
    require_administrator(request)
    entry = selectors.access_log_entry(
        organisation_id=request.user.organisation_id, entry_id=entry_id
    )
    if entry is None:
        raise Http404
    access_log_write(
        user=request.user,
        action=AccessAction.VIEW,
        purpose=_("Opened the search criterion of access-log entry %(id)s") % {"id": entry.pk},
        criterion=entry.criterion,
        path=request.path,
    )
    return render(request, "audit/_criterion.html", {"entry": entry})


@login_required
@require_http_methods(["POST"])
def citizen_access_log_export(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """One citizen's access log as CSV: who looked them up, when and why."""
    require_administrator(request)
    citizen = citizen_selectors.citizen_for_log_lookup(
        organisation_id=request.user.organisation_id, citizen_id=citizen_id, cpr=""
    )
    if citizen is None:
        raise Http404
    entries = list(
        selectors.access_log_search(
            organisation_id=request.user.organisation_id, citizen_id=citizen.pk
        )
    )
    access_log_write(
        user=request.user,
        action=AccessAction.EXPORT,
        citizen=citizen,
        purpose=_("Citizen's access log"),
        path=request.path,
    )
    header = [_("Time"), _("User"), _("Organisation"), _("Action"), _("Purpose")]
    rows = [
        [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.user.get_full_name() if entry.user else entry.username,
            entry.user.organisation if entry.user and entry.user.organisation else "",
            entry.get_action_display(),
            entry.purpose,
        ]
        for entry in entries
    ]
    about = About(
        name=_("Citizen's access log"),
        filters=[(_("Citizen"), citizen.full_name)],
        size=len(rows),
        size_label=_("Rows"),
    )
    return csv_response([header, *rows], f"access-log-citizen-{citizen.pk}.csv", about=about)
