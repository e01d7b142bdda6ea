"""The citizen's own pages: a self-assessment through a link or after signing in, one question
at a time, and the citizen's own wheel, plan and report after signing in with the citizen
identity broker. No staff account is involved; every look at personal data is in the access
log as the citizen's own."""

import datetime as dt
import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib import auth
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from fremdrift.assessments import charts
from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.assessments.services import TEXT_MAX, AnswerInput
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.instruments.models import Item, ScaleType
from fremdrift.plans.report import citizen_report_context
from fremdrift.signin.oidc import citizen_oidc_setting, citizen_sign_in_configured

from . import selectors, services
from .models import SelfAssessmentInvitation
from .oidc import CitizenSignInBackend
from .pictograms import face_svg

security_log = logging.getLogger("fremdrift.security")

SESSION_KEY = "portal_person"  # the keyed hash of the signed-in citizen's CPR number
BAD_LINK_WINDOW = 600


@dataclass
class Flow:
    """One self-assessment being filled in: through its link, or by the signed-in citizen."""

    invitation: SelfAssessmentInvitation
    token: str = ""

    def url(self, step) -> str:
        if self.token:
            key = {"token": self.token}
            names = {"start": "portal:link", "summary": "portal:link_summary"}
            question = "portal:link_question"
        else:
            key = {"invitation_id": self.invitation.pk}
            names = {"start": "portal:own_start", "summary": "portal:own_summary"}
            question = "portal:own_question"
        if isinstance(step, int):
            return reverse(question, kwargs=key | {"number": step})
        return reverse(names[step], kwargs=key)

    def log(self, request: HttpRequest, action=AccessAction.VIEW) -> None:
        path = request.path.replace(self.token, "…") if self.token else request.path
        access_log_write(
            user=None,
            by_citizen=True,
            action=action,
            citizen=self.invitation.citizen,
            path=path,
            purpose=_("Self-assessment"),
        )


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _bad_link_key(request: HttpRequest) -> str:
    return f"portal:bad-links:{_address(request)}"


def _closed(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "portal/link_closed.html", {"status": status}, status=status)


def _link_flow(request: HttpRequest, token: str) -> Flow | HttpResponse:
    key = _bad_link_key(request)
    if cache.get(key, 0) >= settings.FREMDRIFT_SELF_ASSESSMENT_BAD_LINKS:
        response = _closed(request, 429)
        response["Retry-After"] = str(BAD_LINK_WINDOW)
        return response
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        cache.add(key, 0, BAD_LINK_WINDOW)
        cache.incr(key)
        security_log.warning("an unknown self-assessment link was tried")
        return _closed(request, 404)
    if not invitation.is_open:
        return _closed(request, 410)
    return Flow(invitation=invitation, token=token)


def _person(request: HttpRequest) -> str:
    return request.session.get(SESSION_KEY, "")


def _own_flow(request: HttpRequest, invitation_id: int) -> Flow | HttpResponse:
    person = _person(request)
    if not person:
        return redirect("portal:own")
    invitation = (
        SelfAssessmentInvitation.objects.select_related("citizen", "version__instrument")
        .filter(pk=invitation_id, citizen__in=selectors.own_citizens(person))
        .first()
    )
    if invitation is None:
        raise Http404
    if not invitation.is_open:
        return _closed(request, 410)
    return Flow(invitation=invitation)


def _flow(request: HttpRequest, token: str | None, invitation_id: int | None):
    if token is not None:
        return _link_flow(request, token)
    return _own_flow(request, invitation_id)


def _points(item: Item, pictograms: bool) -> list[dict]:
    if item.scale_type == ScaleType.ORDINAL:
        values = list(range(item.scale_min, item.scale_max + 1))
        span = (item.scale_max - item.scale_min) or 1
        return [
            {
                "value": str(v),
                "label": item.point_label(v),
                "number": v,
                "face": face_svg((v - item.scale_min) / span) if pictograms else "",
            }
            for v in values
        ]
    if item.scale_type == ScaleType.YES_NO:
        return [
            {"value": "1", "label": _("Yes"), "number": None, "face": ""},
            {"value": "0", "label": _("No"), "number": None, "face": ""},
        ]
    if item.is_nominal:
        return [
            {"value": code, "label": label, "number": None, "face": ""}
            for code, label in item.choice_options()
        ]
    return []


def _chosen(draft: dict | None) -> str:
    if not draft:
        return ""
    if draft.get("dont_know"):
        return "dont_know"
    value = draft.get("value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _shown_answer(item: Item, draft: dict | None) -> str:
    if not draft:
        return _("Not answered")
    if draft.get("dont_know"):
        return _("Don't know")
    if item.scale_type == ScaleType.TEXT:
        return draft.get("text") or str(draft.get("value") or "")
    if draft.get("codes"):
        return ", ".join(item.option_label(code) for code in draft["codes"])
    chosen = _chosen(draft)
    for point in _points(item, False):
        if point["value"] == chosen:
            if point["number"] is None:
                return point["label"]
            return f"{point['number']} {point['label']}".strip()
    return chosen


@never_cache
@require_http_methods(["GET"])
def start(request: HttpRequest, token: str | None = None, invitation_id: int | None = None):
    flow = _flow(request, token, invitation_id)
    if isinstance(flow, HttpResponse):
        return flow
    flow.log(request)
    questions = selectors.questions_of(flow.invitation)
    answered = [q for q in questions if q.code in flow.invitation.draft]
    first_open = next(
        (n for n, q in enumerate(questions, 1) if q.code not in flow.invitation.draft), None
    )
    return render(
        request,
        "portal/start.html",
        {
            "flow": flow,
            "invitation": flow.invitation,
            "first_name": flow.invitation.citizen.first_name,
            "count": len(questions),
            "answered": len(answered),
            "next_url": flow.url(first_open or "summary") if answered else flow.url(1),
        },
    )


def _answer_from(request: HttpRequest, item: Item) -> AnswerInput:
    raw = request.POST.get("answer", "")
    if item.is_nominal:
        chosen = [code for code in request.POST.getlist("answer") if code][:100]
        return AnswerInput(
            codes=[code for code in chosen if code != "dont_know"],
            dont_know="dont_know" in chosen,
        )
    if raw == "dont_know":
        return AnswerInput(dont_know=True)
    if item.scale_type == ScaleType.TEXT:
        return AnswerInput(text=raw[: TEXT_MAX + 1])
    return AnswerInput(value=raw)


@never_cache
@require_http_methods(["GET", "POST"])
def question(
    request: HttpRequest, number: int, token: str | None = None, invitation_id: int | None = None
):
    flow = _flow(request, token, invitation_id)
    if isinstance(flow, HttpResponse):
        return flow
    questions = selectors.questions_of(flow.invitation)
    if not 1 <= number <= len(questions):
        raise Http404
    item = questions[number - 1]
    error = ""
    typed = _chosen(flow.invitation.draft.get(item.code))
    if item.scale_type == ScaleType.TEXT:
        typed = (flow.invitation.draft.get(item.code) or {}).get("text", "")
    chosen_codes = (flow.invitation.draft.get(item.code) or {}).get("codes", [])
    if request.method == "POST":
        answer = _answer_from(request, item)
        typed = request.POST.get("answer", "")
        chosen_codes = request.POST.getlist("answer")
        try:
            services.self_assessment_answer_save(
                invitation=flow.invitation, item=item, answer=answer
            )
        except services.InvitationClosed:
            return _closed(request, 410)
        except ValidationError as problem:
            error = " ".join(problem.message_dict.get("value", problem.messages))
        else:
            flow.log(request, AccessAction.EDIT)
            if request.POST.get("go") == "back":
                return redirect(flow.url(number - 1) if number > 1 else flow.url("start"))
            return redirect(
                flow.url(number + 1) if number < len(questions) else flow.url("summary")
            )
    flow.log(request)
    points = _points(item, flow.invitation.pictograms)
    # The error summary links to the answer: the first choice, or the text box.
    anchor = f"answer-{points[0]['value']}" if points else "answer"
    return render(
        request,
        "portal/question.html",
        {
            "flow": flow,
            "item": item,
            "number": number,
            "count": len(questions),
            "points": points,
            "typed": typed,
            "chosen_codes": chosen_codes,
            "error": error,
            "summary_errors": [{"href": f"#{anchor}", "text": error}] if error else [],
            "back_url": flow.url(number - 1) if number > 1 else flow.url("start"),
        },
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def summary(request: HttpRequest, token: str | None = None, invitation_id: int | None = None):
    flow = _flow(request, token, invitation_id)
    if isinstance(flow, HttpResponse):
        return flow
    error = ""
    if request.method == "POST":
        try:
            services.self_assessment_send(invitation=flow.invitation)
        except services.InvitationClosed:
            return _closed(request, 410)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            flow.log(request, AccessAction.CREATE)
            return redirect("portal:sent")
    flow.log(request)
    questions = selectors.questions_of(flow.invitation)
    rows = [
        {
            "number": n,
            "item": item,
            "answer": _shown_answer(item, flow.invitation.draft.get(item.code)),
            "answered": item.code in flow.invitation.draft,
            "url": flow.url(n),
        }
        for n, item in enumerate(questions, 1)
    ]
    # Nothing answered yet: the error summary links to the first question.
    summary_errors = [{"href": rows[0]["url"] if rows else "", "text": error}] if error else []
    return render(
        request,
        "portal/summary.html",
        {
            "flow": flow,
            "rows": rows,
            "error": error,
            "summary_errors": summary_errors,
            "count": len(questions),
        },
        status=400 if error else 200,
    )


@never_cache
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/sent.html", {"signed_in": bool(_person(request))})


# The citizen's sign-in and own pages.


class CitizenSignInStart(OIDCAuthenticationRequestView):
    """Sends the browser to the citizen identity broker (MitID through NemLog-in)."""

    get_settings = staticmethod(citizen_oidc_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not citizen_sign_in_configured():
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/sign_in_failed.html", status=400)


@never_cache
@require_http_methods(["GET"])
def callback(request: HttpRequest) -> HttpResponse:
    """The broker's answer: the code is exchanged, the ID token checked, and the session
    becomes the citizen's (any staff sign-in in this browser ends)."""
    if not citizen_sign_in_configured():
        raise Http404
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states") or {}
    entry = states.pop(state, None) if state else None
    request.session["oidc_states"] = states
    if entry is None or request.GET.get("error") or "code" not in request.GET:
        security_log.warning("citizen sign-in failed: an answer this session did not ask for")
        return _refused(request)
    try:
        person = CitizenSignInBackend().authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except (SuspiciousOperation, requests.RequestException) as problem:
        security_log.warning("citizen sign-in failed: %s", problem)
        person = None
    if not person:
        return _refused(request)
    auth.logout(request)
    request.session.cycle_key()
    request.session[SESSION_KEY] = person
    request.session.set_expiry(60 * settings.FREMDRIFT_CITIZEN_SESSION_MINUTES)
    return redirect("portal:own")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("portal:own")


def _log_own(request: HttpRequest, citizens, purpose: str) -> None:
    for citizen in citizens:
        access_log_write(
            user=None,
            by_citizen=True,
            action=AccessAction.VIEW,
            citizen=citizen,
            path=request.path,
            purpose=purpose,
        )


def _wheels(citizen) -> list[dict]:
    shown = []
    for instrument in assessment_selectors.instruments_of(citizen):
        data = assessment_selectors.wheel_data(citizen, instrument)
        if not (data.items and data.all_assessments):
            continue
        shown.append(
            {
                "instrument": instrument,
                "svg": charts.wheel_svg(
                    data, citizen_name=citizen.first_name, id_prefix=f"own-{instrument.pk}"
                ),
                "histories": charts.history_svgs(data),
                "caption": charts.wheel_caption(data, today=dt.date.today()),
                "count": len(data.all_assessments),
            }
        )
    return shown


@never_cache
@require_http_methods(["GET"])
def own(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's wheel over time, plan and open self-assessments; or the
    sign-in."""
    person = _person(request)
    if not person:
        return render(
            request, "portal/own_sign_in.html", {"configured": citizen_sign_in_configured()}
        )
    citizens = list(selectors.own_citizens(person))
    _log_own(request, citizens, _("The citizen's own overview"))
    records = [
        {
            "citizen": citizen,
            "wheels": _wheels(citizen),
            **citizen_report_context(citizen, instrument_code="", with_assessments=False),
        }
        for citizen in citizens
    ]
    return render(
        request,
        "portal/own.html",
        {
            "records": records,
            "first_name": citizens[0].first_name if citizens else "",
            "invitations": selectors.open_invitations_of(citizens),
        },
    )


@never_cache
@require_http_methods(["GET"])
def own_report(request: HttpRequest) -> HttpResponse:
    """The citizen report (as the caseworker prints it), for the signed-in citizen."""
    person = _person(request)
    if not person:
        return redirect("portal:own")
    citizens = selectors.own_citizens(person)
    wanted = request.GET.get("record", "")
    citizen = citizens.filter(pk=int(wanted)).first() if wanted.isdigit() else citizens.first()
    if citizen is None:
        raise Http404
    _log_own(request, [citizen], _("Citizen report"))
    context = citizen_report_context(
        citizen,
        instrument_code=request.GET.get("instrument", "adult_wheel"),
        with_assessments=True,
    )
    context["back_url"] = reverse("portal:own")
    context["back_label"] = _("Back to your overview")
    return render(request, "plans/report.html", context)
