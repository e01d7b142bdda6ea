"""Meetings, with who took part, and mentors, with their tasks, in the REST API. They follow
the case through `citizens_in_scope` (the selectors), and every read is in the access log.
Both are recorded by thin calls to `plans.services`, under the plan page's rule (`rules`); a
meeting's notes are not shared with provider staff."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from fremdrift.accounts.models import User
from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.audit.api_log import list_page, log_view, log_write
from fremdrift.audit.models import AccessAction
from fremdrift.citizens.access import may_read_meeting_notes
from fremdrift.codelists.models import CodeList
from fremdrift.codelists.selectors import code_of
from fremdrift.core.api_kit import (
    MAX_ID,
    Id,
    InputSchema,
    citizen_filter,
    errors,
    etag,
    page_field,
    stale,
    version_refusal,
)
from fremdrift.core.exceptions import StaleVersion

from .. import selectors, services
from ..models import Meeting, Mentor
from .rules import (
    CHANGE_ERRORS,
    WRITE_ERRORS,
    citizen_for_company_part,
    citizen_id_field,
    citizen_to_change,
    plan_of,
)

# The operation ids are given as they were when the plan's endpoints were one module
# (`fremdrift.plans.api`), so that the schema and the clients made from it stay the same.
meetings = Router(tags=["meetings"])
mentors = Router(tags=["mentors"])


# Meetings


class ParticipantOut(Schema):
    role: str = Field(description="Code from the code list participant_role")
    user_id: int | None
    name: str

    @staticmethod
    def resolve_role(obj) -> str:
        return obj.role.code


class MeetingOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    kind: str = Field(description="Code from the code list meeting_kind")
    status: str = Field(
        description="booked (ahead), held, or cancelled; a meeting recorded after it was "
        "held is held"
    )
    date: dt.date
    start_time: dt.time | None = Field(description="When it starts (local time); null if not given")
    end_time: dt.time | None = Field(description="When it ends (local time); null if not given")
    place: str
    citizen_attended: bool = Field(description="Meaningful for a held meeting")
    notes: str | None = Field(
        description="The meeting's notes; null for provider staff (a referral does not share "
        "them), and internal notes are null for all but the caseworkers of the citizen's home "
        "organisation"
    )
    notes_internal: bool = Field(description="The notes are not shown to the citizen")
    assessment_id: int | None
    recorded_by_id: int
    participants: list[ParticipantOut]
    version: int = Field(description="Send it in If-Match to change, complete or cancel")
    updated_at: dt.datetime

    @staticmethod
    def resolve_citizen_id(obj: Meeting) -> int:
        return obj.plan.citizen_id

    @staticmethod
    def resolve_kind(obj: Meeting) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_notes(obj: Meeting, context) -> str | None:
        request = (context or {}).get("request")
        if request is None or not may_read_meeting_notes(
            request.user,
            home_organisation_id=obj.plan.citizen.home_organisation_id,
            internal=obj.notes_internal,
        ):
            return None
        return obj.notes

    @staticmethod
    def resolve_participants(obj: Meeting) -> list:
        return list(obj.participants.all())


class MeetingPage(Schema):
    count: int
    page: int
    pages: int
    items: list[MeetingOut]


class MeetingFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only meetings changed at or after this moment (ISO 8601), by `updated_at`",
    )
    citizen_id: int | None = citizen_filter()
    page: int = page_field()


@meetings.get(
    "",
    response={200: MeetingPage, **errors(400)},
    operation_id="fremdrift_plans_api_meeting_list",
)
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]):
    """The meetings the token's user may see, with who took part, oldest change first, 100 a
    page."""
    return list_page(
        request,
        selectors.meetings_in_scope(request.user),
        filters,
        citizen_field="plan__citizen_id",
    )


@meetings.get(
    "/{meeting_id}",
    response={200: MeetingOut, **errors(404)},
    operation_id="fremdrift_plans_api_meeting_detail",
)
def meeting_detail(request: HttpRequest, meeting_id: Id):
    meeting = selectors.meeting_get(request.user, meeting_id)
    log_view(request, meeting.plan.citizen)
    return meeting


class ParticipantIn(InputSchema):
    role: str = Field(..., max_length=60, description="Code from the code list participant_role")
    user_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A user of the citizen's authority or of your own organisation",
    )
    name: str = Field("", max_length=200, description="The name, for one who is not a user")


class MeetingIn(InputSchema):
    citizen_id: int = citizen_id_field()
    kind: str = Field(..., max_length=60, description="Code from the code list meeting_kind")
    status: Literal["held", "booked"] = Field(
        "held",
        description="held (the default): a meeting recorded after it was held; booked: a "
        "meeting booked ahead, with `start_time` (and `end_time`, `place`)",
    )
    date: dt.date = Field(
        description="The day it was held (not in the future); of a booked meeting, its day"
    )
    start_time: dt.time | None = Field(None, description="Of a booked meeting: required")
    end_time: dt.time | None = Field(None, description="After `start_time`")
    place: str = Field("", max_length=200)
    confirm: bool = Field(
        False,
        description="Of a booked meeting: book it even when its time has passed or a "
        "participant user (or you) has another booked meeting at the same time; without it "
        "that answers 400 naming `date` or `start_time`",
    )
    citizen_attended: bool = True
    notes: str = Field("", max_length=20000)
    notes_internal: bool = Field(True, description="The notes are not shown to the citizen")
    participants: list[ParticipantIn] = Field(
        default_factory=list,
        max_length=50,
        description="Who took part; the recording user is not added by itself. Errors name "
        "the participant as `participant_<n>`, counted from 1",
    )
    assessment_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="An assessment of the citizen made in the meeting"
    )

    @field_validator("start_time", "end_time")
    @classmethod
    def _local_time(cls, value):
        if value is not None and value.tzinfo is not None:
            raise ValueError("Give the local time without an offset.")
        return value


def _participants(request: HttpRequest, citizen, given: list[ParticipantIn]) -> list[dict]:
    own = request.user.organisation_id
    users = User.objects.filter(
        is_active=True,
        organisation_id__in={citizen.home_organisation_id, request.user.organisation_id},
    )
    participants = []
    for number, participant in enumerate(given, start=1):
        field = f"participant_{number}"
        user = None
        if participant.user_id is not None:
            user = users.filter(pk=participant.user_id).first()
            if user is None:
                raise ValidationError({field: "No user with this id who can take part."})
        participants.append(
            {
                "role": code_of(
                    CodeList.PARTICIPANT_ROLE, participant.role, field, organisation=own
                ),
                "user": user,
                "name": participant.name,
            }
        )
    return participants


def _assessment(request: HttpRequest, citizen, assessment_id: int | None):
    if assessment_id is None:
        return None
    assessment = (
        assessment_selectors.assessments_in_scope(request.user)
        .filter(pk=assessment_id, citizen=citizen)
        .first()
    )
    if assessment is None:
        raise ValidationError({"assessment_id": "No assessment with this id of the citizen."})
    return assessment


def _meeting_out(request: HttpRequest, meeting: Meeting, response: HttpResponse):
    response["ETag"] = etag(meeting.version)
    return selectors.meeting_get(request.user, meeting.pk)


@meetings.post(
    "",
    response={201: MeetingOut, **WRITE_ERRORS},
    operation_id="fremdrift_plans_api_meeting_create",
)
def meeting_create(request: HttpRequest, payload: MeetingIn, response: HttpResponse):
    """Records a meeting that has been held, with who took part, or with `status` booked
    books one ahead. As on the plan page: the citizen's caseworkers and the staff of a
    provider they are referred to; a job consultant of the citizen's organisation records
    meetings about the job goal, with notes that are not internal."""
    citizen = citizen_for_company_part(request, payload.citizen_id)
    own = request.user.organisation_id
    kind = code_of(CodeList.MEETING_KIND, payload.kind, "kind", organisation=own)
    participants = _participants(request, citizen, payload.participants)
    with transaction.atomic():
        if payload.status == "booked":
            meeting = services.meeting_book(
                actor=request.user,
                plan=plan_of(request, citizen),
                kind=kind,
                date=payload.date,
                start_time=payload.start_time,
                end_time=payload.end_time,
                place=payload.place,
                participants=participants,
                confirm=payload.confirm,
            )
        else:
            meeting = services.meeting_record(
                actor=request.user,
                plan=plan_of(request, citizen),
                kind=kind,
                date=payload.date,
                citizen_attended=payload.citizen_attended,
                notes=payload.notes,
                notes_internal=payload.notes_internal,
                participants=participants,
                assessment=_assessment(request, citizen, payload.assessment_id),
            )
    log_write(request, citizen, AccessAction.CREATE)
    return Status(201, _meeting_out(request, meeting, response))


class MeetingChange(InputSchema):
    kind: str | None = Field(None, max_length=60)
    date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    place: str | None = Field(None, max_length=200)
    participants: list[ParticipantIn] | None = Field(
        None, max_length=50, description="Who takes part, all of them (replaces the list)"
    )
    confirm: bool = Field(False, description="As when booking")

    @field_validator("start_time", "end_time")
    @classmethod
    def _local_time(cls, value):
        if value is not None and value.tzinfo is not None:
            raise ValueError("Give the local time without an offset.")
        return value


def _booked_to_change(request: HttpRequest, meeting_id: int):
    meeting = selectors.meeting_get(request.user, meeting_id)
    citizen = citizen_for_company_part(request, meeting.plan.citizen_id)
    return meeting, citizen


@meetings.patch(
    "/{meeting_id}",
    response={200: MeetingOut, **CHANGE_ERRORS},
    operation_id="fremdrift_plans_api_meeting_update",
)
def meeting_update(
    request: HttpRequest, meeting_id: Id, payload: MeetingChange, response: HttpResponse
):
    """Changes a booked meeting: its kind, day, time, place, who takes part (the fields
    sent). Send the ETag in `If-Match`; a stale one answers 412."""
    meeting, citizen = _booked_to_change(request, meeting_id)
    refusal = version_refusal(request, meeting.version, "meeting")
    if refusal is not None:
        return refusal
    sent = payload.dict(exclude_unset=True)
    data = {k: v for k, v in sent.items() if k not in ("participants", "confirm", "kind")}
    if sent.get("kind") is not None:
        data["kind"] = code_of(
            CodeList.MEETING_KIND, sent["kind"], "kind", organisation=request.user.organisation_id
        )
    if "date" in data and data["date"] is None:
        raise ValidationError({"date": "Give the day of the meeting."})
    if data.get("place", "") is None:
        data["place"] = ""
    if payload.participants is not None:
        data["participants"] = _participants(request, citizen, payload.participants)
    try:
        changed = services.meeting_update(
            actor=request.user,
            meeting=meeting,
            expected_version=meeting.version,
            confirm=payload.confirm,
            **data,
        )
    except StaleVersion:
        return stale("meeting")
    log_write(request, citizen)
    return _meeting_out(request, changed, response)


class MeetingCompletion(InputSchema):
    citizen_attended: bool = True
    notes: str = Field("", max_length=20000)
    notes_internal: bool = Field(True, description="The notes are not shown to the citizen")
    assessment_id: int | None = Field(None, ge=1, le=MAX_ID)


@meetings.post(
    "/{meeting_id}/complete",
    response={200: MeetingOut, **CHANGE_ERRORS},
    operation_id="fremdrift_plans_api_meeting_complete",
)
def meeting_complete(
    request: HttpRequest, meeting_id: Id, payload: MeetingCompletion, response: HttpResponse
):
    """A booked meeting held, on or after its day: whether the citizen came and the notes.
    `If-Match` required."""
    meeting, citizen = _booked_to_change(request, meeting_id)
    refusal = version_refusal(request, meeting.version, "meeting")
    if refusal is not None:
        return refusal
    try:
        changed = services.meeting_complete(
            actor=request.user,
            meeting=meeting,
            expected_version=meeting.version,
            citizen_attended=payload.citizen_attended,
            notes=payload.notes,
            notes_internal=payload.notes_internal,
            assessment=_assessment(request, citizen, payload.assessment_id),
        )
    except StaleVersion:
        return stale("meeting")
    log_write(request, citizen)
    return _meeting_out(request, changed, response)


@meetings.post(
    "/{meeting_id}/cancel",
    response={200: MeetingOut, **CHANGE_ERRORS},
    operation_id="fremdrift_plans_api_meeting_cancel",
)
def meeting_cancel(request: HttpRequest, meeting_id: Id, response: HttpResponse):
    """A booked meeting cancelled (kept, marked cancelled). `If-Match` required."""
    meeting, citizen = _booked_to_change(request, meeting_id)
    refusal = version_refusal(request, meeting.version, "meeting")
    if refusal is not None:
        return refusal
    try:
        changed = services.meeting_cancel(
            actor=request.user, meeting=meeting, expected_version=meeting.version
        )
    except StaleVersion:
        return stale("meeting")
    log_write(request, citizen)
    return _meeting_out(request, changed, response)


# Mentors


class MentorOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    kind: str = Field(description="Code from the code list mentor_kind")
    name: str
    user_id: int | None
    start_date: dt.date
    end_date: dt.date | None
    tasks: list[str] = Field(description="Codes from the code list mentor_task")
    updated_at: dt.datetime = Field(
        description="Moves when the mentor changes, as when the plan is closed at an exit"
    )

    @staticmethod
    def resolve_citizen_id(obj: Mentor) -> int:
        return obj.plan.citizen_id

    @staticmethod
    def resolve_kind(obj: Mentor) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_tasks(obj: Mentor) -> list[str]:
        return sorted(t.code for t in obj.tasks.all())


class MentorPage(Schema):
    count: int
    page: int
    pages: int
    items: list[MentorOut]


class MentorFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only mentors changed at or after this moment (ISO 8601), by `updated_at`",
    )
    citizen_id: int | None = citizen_filter()
    page: int = page_field()


@mentors.get(
    "", response={200: MentorPage, **errors(400)}, operation_id="fremdrift_plans_api_mentor_list"
)
def mentor_list(request: HttpRequest, filters: Query[MentorFilters]):
    """The mentors the token's user may see, with their tasks, oldest change first, 100 a
    page."""
    return list_page(
        request, selectors.mentors_in_scope(request.user), filters, citizen_field="plan__citizen_id"
    )


@mentors.get(
    "/{mentor_id}",
    response={200: MentorOut, **errors(404)},
    operation_id="fremdrift_plans_api_mentor_detail",
)
def mentor_detail(request: HttpRequest, mentor_id: Id):
    mentor = selectors.mentor_get(request.user, mentor_id)
    log_view(request, mentor.plan.citizen)
    return mentor


class MentorIn(InputSchema):
    citizen_id: int = citizen_id_field()
    kind: str = Field(..., max_length=60, description="Code from the code list mentor_kind")
    name: str = Field(
        "", max_length=200, description="The mentor's name; may be left out with `user_id`"
    )
    user_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A user of the citizen's authority (not a manager or administrator)",
    )
    start_date: dt.date
    end_date: dt.date | None = None
    tasks: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=50, description="Codes from the code list mentor_task"
    )


@mentors.post(
    "", response={201: MentorOut, **WRITE_ERRORS}, operation_id="fremdrift_plans_api_mentor_create"
)
def mentor_create(request: HttpRequest, payload: MentorIn):
    """Gives the citizen a mentor with their tasks. As on the plan page: the citizen's
    caseworkers and the staff of a provider they are referred to."""
    citizen = citizen_to_change(request, payload.citizen_id)
    own = request.user.organisation_id
    kind = code_of(CodeList.MENTOR_KIND, payload.kind, "kind", organisation=own)
    tasks = [
        code_of(CodeList.MENTOR_TASK, task, "tasks", organisation=own)
        for task in dict.fromkeys(payload.tasks)
    ]
    user = None
    if payload.user_id is not None:
        user = (
            selectors.plan_helpers(citizen.home_organisation_id).filter(pk=payload.user_id).first()
        )
        if user is None:
            raise ValidationError({"user_id": "No user with this id who can be a mentor."})
    with transaction.atomic():
        mentor = services.mentor_assign(
            actor=request.user,
            plan=plan_of(request, citizen),
            kind=kind,
            name=payload.name,
            user=user,
            start_date=payload.start_date,
            end_date=payload.end_date,
            tasks=tasks,
        )
    log_write(request, citizen, AccessAction.CREATE)
    return Status(201, selectors.mentor_get(request.user, mentor.pk))
