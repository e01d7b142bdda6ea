"""The plan's files of an exchange package (Model 2): plans, goals as formulated, goal events,
activities, meetings with their participants, mentors, and who does what. `PlanFilesCheck` is
the first pass for them, `PlanFilesWrite` the second; each is mixed into the package's check
and write."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fremdrift.accounts.models import User
from fremdrift.citizens.models import Citizen
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import visible_to
from fremdrift.companies.models import CompanyContact
from fremdrift.core.validation import day_errors, period_errors
from fremdrift.plans import services as plan_services
from fremdrift.plans.models import (
    Activity,
    Goal,
    GoalEvent,
    Meeting,
    MeetingParticipant,
    Mentor,
    Plan,
    PlanRole,
    Supporter,
)

from . import format as fmt
from .company_files import renamed
from .models import Entity
from .scope import rows_of

TEXT_MAX = 5000
GOAL_CHANGES = ("text", "status", "target_date", "category", "supported_by")


def codes_by_list(organisation) -> dict[tuple[str, str, str], Code]:
    """Every active code the organisation may choose (the defaults and its own) by (list,
    parent code or '', code)."""
    return {
        (c.code_list, c.parent.code if c.parent_id else "", c.code): c
        for c in Code.objects.filter(visible_to(organisation), is_active=True).select_related(
            "parent"
        )
    }


GAS_WRITTEN = {"-2": -2, "-1": -1, "0": 0, "1": 1, "+1": 1, "2": 2, "+2": 2}


def gas_value(text: str) -> int | None:
    """A Goal Attainment Scaling level written as -2, -1, 0, +1 or +2 (or 1, 2), else None."""
    return GAS_WRITTEN.get(text.strip().replace("−", "-"))


def noon(day: dt.date) -> dt.datetime:
    """The moment an imported goal or event is dated: noon of its day, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class PlanFilesCheck:
    """Mixed into check.PackageCheck: `error`, `read`, `parsed`, `key`, `reference`, `text`,
    `keys` and `seen` come from there."""

    def plan_files(self) -> None:
        self.codes = codes_by_list(self.organisation) | getattr(self, "package_codes", {})
        self.users = {u.username: u for u in User.objects.filter(is_active=True)} | getattr(
            self, "package_users", {}
        )
        self.goal_facts: dict[str, tuple[str, bool, dt.date | None, bool]] = {}
        self.meeting_participants: set[str] = set()
        self.participant_lines: dict[str, int] = {}
        self.plans_seen: set[str] = set()
        self.citizen_ids_of: dict[int, str] | None = None  # source id by citizen, when needed
        for row in self.read(fmt.PLANS):
            self.plan_row(row)
        for row in self.read(fmt.GOALS):
            self.goal_row(row)
        for row in self.read(fmt.GOAL_EVENTS):
            self.goal_event_row(row)
        for row in self.read(fmt.ACTIVITIES):
            self.activity_row(row)
        for row in self.read(fmt.PARTICIPANTS):
            self.participant_row(row)
        for row in self.read(fmt.MEETINGS):
            self.meeting_row(row)
        self.participants_have_meetings()
        for row in self.read(fmt.MENTORS):
            self.mentor_row(row)
        for row in self.read(fmt.PLAN_ROLES):
            self.plan_role_row(row)

    def code(self, spec, row: fmt.Row, column: str, code_list: str, parent: str = ""):
        text = row.values[column]
        if text and (code_list, parent, text) not in self.codes:
            self.error(spec, row.line, column, _("Unknown code."))

    def user(self, spec, row: fmt.Row, column: str) -> None:
        if row.values[column] and row.values[column] not in self.users:
            self.error(spec, row.line, column, _("No active user with this username."))

    def not_future(self, spec, row: fmt.Row, column: str) -> dt.date | None:
        day = self.parsed(spec, row, column, fmt.parse_date)
        self.report(spec, row, day_errors(day, field=column))
        return day

    def plan_row(self, row: fmt.Row) -> None:
        spec = fmt.PLANS
        plans = self.plans_seen
        if row.values["citizen"] in plans:
            self.error(spec, row.line, "citizen", _("The citizen has two rows."))
        plans.add(row.values["citizen"])
        self.reference(spec, row, "citizen", Entity.CITIZEN)
        for column in ("own_effort", "citizen_comments"):
            self.text(spec, row, column, TEXT_MAX)
        made = self.parsed(spec, row, "made", fmt.parse_date)
        born = self.birth_dates.get(row.values["citizen"])
        self.report(spec, row, day_errors(made, born=born, field="made"))

    def goal_of(self, goal_id: str) -> tuple[str, bool, dt.date | None, bool] | None:
        """(citizen id, is an end goal, formulated on, scaled in five levels) of a goal in the
        package or imported."""
        if goal_id in self.goal_facts:
            return self.goal_facts[goal_id]
        pk = self.keys[Entity.GOAL].get(goal_id)
        goal = Goal.objects.filter(pk=pk).select_related("plan").first() if pk else None
        if goal is None:
            return None
        if self.citizen_ids_of is None:
            self.citizen_ids_of = {pk: sid for sid, pk in self.keys[Entity.CITIZEN].items()}
        facts = (
            self.citizen_ids_of.get(goal.plan.citizen_id, ""),
            goal.is_end_goal,
            timezone.localdate(goal.created_at),
            bool(goal.gas_levels),
        )
        self.goal_facts[goal_id] = facts
        return facts

    def goal_row(self, row: fmt.Row) -> None:
        spec = fmt.GOALS
        values = row.values
        source_id = self.key(spec, row, Entity.GOAL)
        self.reference(spec, row, "citizen", Entity.CITIZEN)
        self.text(spec, row, "text", TEXT_MAX)
        created = self.not_future(spec, row, "created")
        is_end = goal_is_end(values)
        if values["level"] and values["level"] not in fmt.GOAL_LEVELS:
            self.error(spec, row.line, "level", _("Write end or sub."))
        elif values["level"] == "end" and values["end_goal"]:
            self.error(spec, row.line, "level", _("An end goal does not hang under another goal."))
        if is_end and not values["category"]:
            self.error(spec, row.line, "category", _("Choose the end goal's category."))
        self.code(spec, row, "category", CodeList.END_GOAL_CATEGORY)
        if values["supported_by"] and values["supported_by"] not in Supporter.values:
            self.error(spec, row.line, "supported_by", _("Unknown supporter."))
        self.parsed(spec, row, "target_date", fmt.parse_date)
        if values["end_goal"]:
            parent = self.goal_of(values["end_goal"])
            if parent is None:
                self.error(spec, row.line, "end_goal", _("No goal with this id."))
            elif not parent[1] or parent[0] != values["citizen"]:
                self.error(
                    spec,
                    row.line,
                    "end_goal",
                    _("A sub-goal must hang under an end goal of the same citizen."),
                )
        scaled = self.gas_row(spec, row)
        if source_id is not None:
            self.goal_facts[source_id] = (values["citizen"], is_end, created, scaled)

    def gas_row(self, spec, row: fmt.Row) -> bool:
        """A goal's Goal Attainment Scaling: all five levels described, or none; a baseline
        only with them. True when the goal is scaled."""
        values = row.values
        described = [column for column in fmt.GAS_COLUMNS if values[column].strip()]
        for column in fmt.GAS_COLUMNS:
            self.text(spec, row, column, TEXT_MAX)
        if described and len(described) < len(fmt.GAS_COLUMNS):
            missing = next(c for c in fmt.GAS_COLUMNS if c not in described)
            self.error(spec, row.line, missing, _("Describe all five levels, from -2 to +2."))
        baseline = values["gas_baseline"]
        if baseline and gas_value(baseline) is None:
            self.error(spec, row.line, "gas_baseline", _("Choose a level from -2 to +2."))
        elif baseline and not described:
            self.error(
                spec, row.line, "gas_baseline", _("A baseline needs the five levels described.")
            )
        return bool(described)

    def goal_event_row(self, row: fmt.Row) -> None:
        spec = fmt.GOAL_EVENTS
        values = row.values
        self.key(spec, row, Entity.GOAL_EVENT)
        goal = self.goal_of(values["goal"])
        if goal is None:
            self.error(spec, row.line, "goal", _("No goal with this id."))
        day = self.not_future(spec, row, "date")
        if goal and day and goal[2] and day < goal[2]:
            self.error(spec, row.line, "date", _("The change cannot be before the goal."))
        if values["reason"] not in plan_services.CHANGE_REASONS:
            self.error(spec, row.line, "reason", _("Unknown reason for the change."))
        self.text(spec, row, "note", TEXT_MAX)
        self.text(spec, row, "text", TEXT_MAX)
        if values["status"] and values["status"] not in Goal.Status.values:
            self.error(spec, row.line, "status", _("Unknown status."))
        self.parsed(spec, row, "target_date", fmt.parse_date)
        self.code(spec, row, "category", CodeList.END_GOAL_CATEGORY)
        if values["supported_by"] and values["supported_by"] not in Supporter.values:
            self.error(spec, row.line, "supported_by", _("Unknown supporter."))
        rating = values["gas_level"]
        if rating and gas_value(rating) is None:
            self.error(spec, row.line, "gas_level", _("Choose a level from -2 to +2."))
        elif rating and goal is not None and not goal[3]:
            self.error(spec, row.line, "gas_level", _("The goal is not scaled in five levels."))
        if not any(values[c] for c in (*GOAL_CHANGES, "gas_level")):
            self.error(spec, row.line, "", _("The event changes nothing."))

    def activity_row(self, row: fmt.Row) -> None:
        spec = fmt.ACTIVITIES
        values = row.values
        self.key(spec, row, Entity.ACTIVITY)
        self.reference(spec, row, "citizen", Entity.CITIZEN)
        self.code(spec, row, "sector", CodeList.ACTIVITY_SECTOR)
        if (CodeList.ACTIVITY_TYPE, values["sector"], values["kind"]) not in self.codes:
            self.error(
                spec, row.line, "kind", _("This type of activity does not belong to the sector.")
            )
        self.text(spec, row, "purpose", TEXT_MAX)
        self.text(spec, row, "next_step", TEXT_MAX)
        self.text(spec, row, "delivered_by", 200)
        start = self.parsed(spec, row, "start_date", fmt.parse_date)
        end = self.parsed(spec, row, "end_date", fmt.parse_date)
        self.report(spec, row, period_errors(start, end))
        hours = self.parsed(spec, row, "weekly_hours", fmt.parse_decimal)
        if hours is not None and not 0 <= hours <= 48:
            self.error(spec, row.line, "weekly_hours", _("Weekly hours are from 0 to 48."))
        self.parsed(spec, row, "company_mentor", fmt.parse_bool)
        # Whether the company takes the placement, and the mentor is its contact, is the
        # service's rule, applied as the row is written.
        if values["company_cvr"]:
            self.company_known(spec, row)
        if values["mentor_contact"]:
            self.reference(spec, row, "mentor_contact", Entity.COMPANY_CONTACT)
        if values["result"] and values["result"] not in Activity.Result.values:
            self.error(spec, row.line, "result", _("Unknown result."))
        for goal_id in fmt.split_list(values["goals"]):
            goal = self.goal_of(goal_id)
            if goal is None or goal[0] != values["citizen"]:
                self.error(
                    spec,
                    row.line,
                    "goals",
                    _("No goal %(id)s of this citizen.") % {"id": goal_id[:100]},
                )

    def participant_row(self, row: fmt.Row) -> None:
        spec = fmt.PARTICIPANTS
        self.meeting_participants.add(row.values["meeting"])
        self.participant_lines.setdefault(row.values["meeting"], row.line)
        self.code(spec, row, "role", CodeList.PARTICIPANT_ROLE)
        self.user(spec, row, "user")
        self.text(spec, row, "name", 200)

    def meeting_row(self, row: fmt.Row) -> None:
        spec = fmt.MEETINGS
        self.key(spec, row, Entity.MEETING)
        self.reference(spec, row, "citizen", Entity.CITIZEN)
        self.code(spec, row, "kind", CodeList.MEETING_KIND)
        status = row.values["status"] or "held"
        if status not in fmt.MEETING_STATUSES:
            self.error(spec, row.line, "status", _("Write held, booked or cancelled."))
        if status == "held":
            self.not_future(spec, row, "date")
        else:
            self.parsed(spec, row, "date", fmt.parse_date)
        start = self.parsed(spec, row, "start_time", fmt.parse_time)
        end = self.parsed(spec, row, "end_time", fmt.parse_time)
        if status != "held" and not row.values["start_time"]:
            self.error(spec, row.line, "start_time", _("Give the time the meeting starts."))
        if start and end and end <= start:
            self.error(spec, row.line, "end_time", _("The meeting must end after it starts."))
        self.text(spec, row, "place", 200)
        self.parsed(spec, row, "citizen_attended", fmt.parse_bool)
        self.parsed(spec, row, "notes_internal", fmt.parse_bool)
        self.text(spec, row, "notes", TEXT_MAX)

    def participants_have_meetings(self) -> None:
        lines = self.participant_lines
        for meeting_id in sorted(self.meeting_participants - self.seen[Entity.MEETING]):
            self.error(
                fmt.PARTICIPANTS,
                lines[meeting_id],
                "meeting",
                _("No meeting with this id in meetings.csv."),
            )

    def mentor_row(self, row: fmt.Row) -> None:
        spec = fmt.MENTORS
        values = row.values
        self.key(spec, row, Entity.MENTOR)
        self.reference(spec, row, "citizen", Entity.CITIZEN)
        self.code(spec, row, "kind", CodeList.MENTOR_KIND)
        self.user(spec, row, "user")
        if not values["name"] and not values["user"]:
            self.error(spec, row.line, "name", _("Give the mentor's name or user."))
        self.text(spec, row, "name", 200)
        start = self.parsed(spec, row, "start_date", fmt.parse_date)
        end = self.parsed(spec, row, "end_date", fmt.parse_date)
        self.report(spec, row, period_errors(start, end))
        for task in fmt.split_list(values["tasks"]):
            if (CodeList.MENTOR_TASK, "", task) not in self.codes:
                self.error(spec, row.line, "tasks", _("Unknown task: %(code)s.") % {"code": task})

    def plan_role_row(self, row: fmt.Row) -> None:
        spec = fmt.PLAN_ROLES
        values = row.values
        self.key(spec, row, Entity.PLAN_ROLE)
        self.reference(spec, row, "citizen", Entity.CITIZEN)
        self.code(spec, row, "role", CodeList.PARTICIPANT_ROLE)
        self.user(spec, row, "user")
        if not values["name"] and not values["user"]:
            self.error(
                spec, row.line, "name", _("Give the name or the user of the one who does it.")
            )
        self.text(spec, row, "name", 200)
        self.text(spec, row, "task", TEXT_MAX)


class PlanFilesWrite:
    """Mixed into services._PackageWrite: `actor`, `keys`, `counts`, `rows`, `remember` and
    `refuse` come from there."""

    def plan_files(self) -> None:
        self.codes = codes_by_list(self.actor.organisation_id)
        self.users = {u.username: u for u in User.objects.filter(is_active=True)} | getattr(
            self, "package_users", {}
        )
        self.plans: dict[int, Plan] = {}
        for spec, write in (
            (fmt.PLANS, self.plan_row),
            (fmt.GOALS, self.goal_row),
            (fmt.GOAL_EVENTS, self.goal_event_row),
            (fmt.ACTIVITIES, self.activity_row),
        ):
            self.write_rows(spec, write)
        self.participants = defaultdict(list)
        for row in self.rows(fmt.PARTICIPANTS):
            self.participants[row.values["meeting"]].append(row.values)
        self.write_rows(fmt.MEETINGS, self.meeting_row)
        self.write_rows(fmt.MENTORS, self.mentor_row)
        self.write_rows(fmt.PLAN_ROLES, self.plan_role_row)

    def plan_of(self, citizen_id: str) -> Plan:
        pk = self.keys[Entity.CITIZEN][citizen_id]
        if pk not in self.plans:
            citizen = Citizen.objects.get(pk=pk)
            self.plans[pk] = plan_services.plan_get_or_create(actor=self.actor, citizen=citizen)
        return self.plans[pk]

    def code_of(self, code_list: str, text: str, parent: str = "") -> Code | None:
        return self.codes[(code_list, parent, text)] if text else None

    def counted(self, entity: str, changed: bool) -> None:
        self.counts[entity]["updated" if changed else "unchanged"] += 1

    def plan_row(self, row: fmt.Row) -> None:
        values = row.values
        citizen_pk = self.keys[Entity.CITIZEN][values["citizen"]]
        is_new = (
            citizen_pk not in self.plans and not Plan.objects.filter(citizen_id=citizen_pk).exists()
        )
        plan = self.plan_of(values["citizen"])
        updated = plan_services.plan_update(
            actor=self.actor,
            plan=plan,
            expected_version=plan.version,
            own_effort=values["own_effort"],
            citizen_comments=values["citizen_comments"],
            made_on=fmt.parse_date(values["made"]) if values["made"] else None,
        )
        self.plans[plan.citizen_id] = updated
        changed = updated.version != plan.version
        self.counts["plan"]["created" if is_new else "updated" if changed else "unchanged"] += 1

    def goal_row(self, row: fmt.Row) -> None:
        values = row.values
        formulated = {
            "text": values["text"],
            "category": self.code_of(CodeList.END_GOAL_CATEGORY, values["category"]),
            "supported_by": values["supported_by"],
            "target_date": fmt.parse_date(values["target_date"]) if values["target_date"] else None,
            "gas_levels": {
                level: values[column].strip()
                for column, level in fmt.GAS_COLUMNS.items()
                if values[column].strip()
            },
            "gas_baseline": gas_value(values["gas_baseline"]),
        }
        created = fmt.parse_date(values["created"])
        pk = self.keys[Entity.GOAL].get(values["id"])
        if pk is not None:
            first = GoalEvent.objects.get(goal_id=pk, reason=GoalEvent.Reason.CREATED)
            as_formulated = {
                "text": first.changes.get("text"),
                "category": first.changes.get("category"),
                "supported_by": first.changes.get("supported_by"),
                "target_date": first.changes.get("target_date"),
                "gas_levels": first.changes.get("gas_levels") or {},
                "gas_baseline": first.changes.get("gas_baseline"),
            }
            if as_formulated != _as_changes(formulated) or (
                timezone.localdate(first.at) != created
            ):
                raise ValidationError(
                    {"text": _("A goal keeps its history: write the change in goal_events.csv.")}
                )
            self.counted(Entity.GOAL, False)
            return
        parent = values["end_goal"]
        goal = plan_services.goal_create(
            actor=self.actor,
            plan=self.plan_of(values["citizen"]),
            parent=Goal.objects.get(pk=self.keys[Entity.GOAL][parent]) if parent else None,
            is_end_goal=goal_is_end(values),
            at=noon(created),
            **formulated,
        )
        self.remember(Entity.GOAL, values["id"], goal.pk)
        self.counts[Entity.GOAL]["created"] += 1

    def goal_event_row(self, row: fmt.Row) -> None:
        values = row.values
        changes = {c: values[c] for c in GOAL_CHANGES if values[c]}
        if "target_date" in changes:
            changes["target_date"] = fmt.parse_date(changes["target_date"])
        if "category" in changes:
            changes["category"] = self.code_of(CodeList.END_GOAL_CATEGORY, changes["category"])
        rating = gas_value(values["gas_level"]) if values["gas_level"] else None
        day = fmt.parse_date(values["date"])
        pk = self.keys[Entity.GOAL_EVENT].get(values["id"])
        if pk is not None:
            event = GoalEvent.objects.get(pk=pk)
            same = (
                event.reason == values["reason"]
                and event.note == values["note"]
                and timezone.localdate(event.at) == day
                and event.changes
                == _as_changes(changes) | ({} if rating is None else {"gas_level": rating})
            )
            if not same:
                raise ValidationError(
                    {"reason": _("An imported goal event cannot change; add a new one.")}
                )
            self.counted(Entity.GOAL_EVENT, False)
            return
        goal = Goal.objects.get(pk=self.keys[Entity.GOAL][values["goal"]])
        plan_services.goal_change(
            actor=self.actor,
            goal=goal,
            expected_version=goal.version,
            reason=values["reason"],
            note=values["note"],
            at=noon(day),
            gas_level=rating,
            **changes,
        )
        event = GoalEvent.objects.filter(goal=goal).order_by("-pk").first()
        self.remember(Entity.GOAL_EVENT, values["id"], event.pk)
        self.counts[Entity.GOAL_EVENT]["created"] += 1

    def activity_fields(self, values: dict) -> dict:
        return {
            "sector": self.code_of(CodeList.ACTIVITY_SECTOR, values["sector"]),
            "kind": self.code_of(CodeList.ACTIVITY_TYPE, values["kind"], values["sector"]),
            "purpose": values["purpose"],
            "delivered_by": values["delivered_by"],
            "start_date": fmt.parse_date(values["start_date"]),
            "end_date": fmt.parse_date(values["end_date"]) if values["end_date"] else None,
            "weekly_hours": (
                fmt.parse_decimal(values["weekly_hours"]) if values["weekly_hours"] else None
            ),
            "company_mentor": fmt.parse_bool(values["company_mentor"]),
            "result": values["result"],
            "next_step": values["next_step"],
            "company": self.company_of(values["company_cvr"]) if values["company_cvr"] else None,
            "mentor_contact": (
                CompanyContact.objects.get(
                    pk=self.keys[Entity.COMPANY_CONTACT][values["mentor_contact"]]
                )
                if values["mentor_contact"]
                else None
            ),
        }

    def activity_row(self, row: fmt.Row) -> None:
        try:
            self._activity_row(row)
        except ValidationError as error:
            raise renamed(error, {"company": "company_cvr"}) from None

    def _activity_row(self, row: fmt.Row) -> None:
        values = row.values
        fields = self.activity_fields(values)
        goals = [self.keys[Entity.GOAL][g] for g in fmt.split_list(values["goals"])]
        pk = self.keys[Entity.ACTIVITY].get(values["id"])
        if pk is None:
            activity = plan_services.activity_create(
                actor=self.actor,
                plan=self.plan_of(values["citizen"]),
                goals=Goal.objects.filter(pk__in=goals),
                **fields,
            )
            self.remember(Entity.ACTIVITY, values["id"], activity.pk)
            self.counts[Entity.ACTIVITY]["created"] += 1
            return
        activity = Activity.objects.get(pk=pk)
        if not values["company_cvr"]:
            # A package without the company columns (or an empty one) leaves the placement's
            # company and company mentor as they are.
            fields["company"], fields["mentor_contact"] = activity.company, activity.mentor_contact
            fields["company_mentor"] = fields["company_mentor"] or bool(activity.mentor_contact)
        current = {name: getattr(activity, name) for name in fields}
        if current == fields:
            self.counted(Entity.ACTIVITY, False)
            return
        plan_services.activity_update(
            actor=self.actor, activity=activity, expected_version=activity.version, **fields
        )
        self.counted(Entity.ACTIVITY, True)

    def meeting_row(self, row: fmt.Row) -> None:
        values = row.values
        participants = [
            {
                "role": self.code_of(CodeList.PARTICIPANT_ROLE, p["role"]),
                "user": self.users.get(p["user"]),
                "name": p["name"],
            }
            for p in self.participants.get(values["id"], [])
        ]
        status = values["status"] or Meeting.Status.HELD
        times = {
            "start_time": fmt.parse_time(values["start_time"]) if values["start_time"] else None,
            "end_time": fmt.parse_time(values["end_time"]) if values["end_time"] else None,
            "place": values["place"].strip(),
        }
        fields = {
            "kind": self.code_of(CodeList.MEETING_KIND, values["kind"]),
            "date": fmt.parse_date(values["date"]),
            "citizen_attended": fmt.parse_bool(values["citizen_attended"] or "1"),
            "notes": values["notes"],
            "notes_internal": fmt.parse_bool(values["notes_internal"] or "1"),
        }
        pk = self.keys[Entity.MEETING].get(values["id"])
        if pk is None:
            plan = self.plan_of(values["citizen"])
            if status == Meeting.Status.HELD:
                meeting = plan_services.meeting_record(
                    actor=self.actor, plan=plan, participants=participants, **fields, **times
                )
            else:
                # The other system booked it: its time is not asked about again.
                meeting = plan_services.meeting_book(
                    actor=self.actor,
                    plan=plan,
                    kind=fields["kind"],
                    date=fields["date"],
                    participants=participants,
                    confirm=True,
                    **times,
                )
                if status == Meeting.Status.CANCELLED:
                    meeting = plan_services.meeting_cancel(
                        actor=self.actor, meeting=meeting, expected_version=meeting.version
                    )
            self.remember(Entity.MEETING, values["id"], meeting.pk)
            self.counts[Entity.MEETING]["created"] += 1
            return
        meeting = Meeting.objects.prefetch_related("participants").get(pk=pk)
        if status == Meeting.Status.BOOKED and meeting.status != Meeting.Status.BOOKED:
            # Booked in the package, since completed or cancelled here: Fremdrift is ahead.
            self.counted(Entity.MEETING, False)
            return
        if status == Meeting.Status.HELD:
            fields |= times
        else:
            fields = {"kind": fields["kind"], "date": fields["date"], **times}
        fields["status"] = status
        same = {name: getattr(meeting, name) for name in fields} == fields and [
            (p.role_id, p.user_id, p.name) for p in meeting.participants.order_by("pk")
        ] == [
            (p["role"].pk, p["user"].pk if p["user"] else None, p["name"] or str(p["user"] or ""))
            for p in participants
        ]
        if not same:
            raise ValidationError(
                {"kind": _("A meeting is recorded once; an imported meeting cannot change.")}
            )
        self.counted(Entity.MEETING, False)

    def mentor_row(self, row: fmt.Row) -> None:
        values = row.values
        user = self.users.get(values["user"])
        fields = {
            "kind": self.code_of(CodeList.MENTOR_KIND, values["kind"]),
            "name": values["name"],
            "user": user,
            "start_date": fmt.parse_date(values["start_date"]),
            "end_date": fmt.parse_date(values["end_date"]) if values["end_date"] else None,
        }
        tasks = [self.code_of(CodeList.MENTOR_TASK, t) for t in fmt.split_list(values["tasks"])]
        pk = self.keys[Entity.MENTOR].get(values["id"])
        if pk is None:
            mentor = plan_services.mentor_assign(
                actor=self.actor, plan=self.plan_of(values["citizen"]), tasks=tasks, **fields
            )
            self.remember(Entity.MENTOR, values["id"], mentor.pk)
            self.counts[Entity.MENTOR]["created"] += 1
            return
        mentor = Mentor.objects.prefetch_related("tasks").get(pk=pk)
        expected_name = values["name"] or (user.get_full_name() or user.username if user else "")
        same = (
            mentor.kind == fields["kind"]
            and mentor.name == expected_name
            and mentor.user == user
            and (mentor.start_date, mentor.end_date) == (fields["start_date"], fields["end_date"])
            and {t.pk for t in mentor.tasks.all()} == {t.pk for t in tasks}
        )
        if not same:
            raise ValidationError(
                {"kind": _("An imported mentor cannot change yet; end and assign in Fremdrift.")}
            )
        self.counted(Entity.MENTOR, False)

    def plan_role_row(self, row: fmt.Row) -> None:
        values = row.values
        fields = {
            "role": self.code_of(CodeList.PARTICIPANT_ROLE, values["role"]),
            "user": self.users.get(values["user"]),
            "name": values["name"],
            "task": values["task"],
        }
        pk = self.keys[Entity.PLAN_ROLE].get(values["id"])
        if pk is None:
            plan_role = plan_services.plan_role_assign(
                actor=self.actor, plan=self.plan_of(values["citizen"]), **fields
            )
            self.remember(Entity.PLAN_ROLE, values["id"], plan_role.pk)
            self.counts[Entity.PLAN_ROLE]["created"] += 1
            return
        plan_role = PlanRole.objects.select_related("plan__citizen").get(pk=pk)
        version = plan_role.version
        changed = plan_services.plan_role_change(
            actor=self.actor, plan_role=plan_role, expected_version=version, **fields
        )
        self.counted(Entity.PLAN_ROLE, changed.version != version)


def goal_is_end(values: dict) -> bool:
    """Whether a row of goals.csv is an end goal: by its `level`, or (version 1, or left
    empty) when it hangs under no end goal."""
    return values["level"] == "end" if values["level"] else not values["end_goal"]


def _as_changes(values: dict) -> dict:
    """Values as a goal event's `changes` keep them (codes as ids, dates as text)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, Code):
            value = value.pk
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out


def _signed(level: int | None) -> str:
    """A GAS level as the format writes it: -2, -1, 0, +1, +2."""
    return "" if level is None else f"{level:+d}" if level else "0"


def export_plan_files(write, key, *, citizen_id: int | None = None) -> None:
    """Writes the plan's files through `write(spec, rows)`; `key(entity, pk)` gives the id an
    object goes out under. With `citizen_id`, only that citizen's plan."""
    codes = {c.pk: c.code for c in Code.objects.all()}
    citizen = lambda plan_citizen_id: key(Entity.CITIZEN, plan_citizen_id)  # noqa: E731
    write(
        fmt.PLANS,
        (
            {
                "citizen": citizen(plan.citizen_id),
                "own_effort": plan.own_effort,
                "citizen_comments": plan.citizen_comments,
                "made": plan.made_on or "",
            }
            for plan in rows_of(Plan.objects, "citizen", citizen_id)
            .order_by("pk")
            .iterator(chunk_size=2000)
        ),
    )
    formulated = {
        e.goal_id: e
        for e in rows_of(GoalEvent.objects, "goal__plan__citizen", citizen_id)
        .filter(reason=GoalEvent.Reason.CREATED)
        .iterator(chunk_size=5000)
    }
    write(
        fmt.GOALS,
        (
            {
                "id": key(Entity.GOAL, goal.pk),
                "citizen": citizen(goal.plan.citizen_id),
                "end_goal": key(Entity.GOAL, goal.parent_id),
                "level": "end" if goal.is_end_goal else "sub",
                "text": formulated[goal.pk].changes.get("text", goal.text),
                "category": codes.get(formulated[goal.pk].changes.get("category"), ""),
                "supported_by": formulated[goal.pk].changes.get("supported_by", ""),
                "target_date": formulated[goal.pk].changes.get("target_date") or "",
                "created": timezone.localdate(goal.created_at),
                **{
                    column: (formulated[goal.pk].changes.get("gas_levels") or {}).get(level, "")
                    for column, level in fmt.GAS_COLUMNS.items()
                },
                "gas_baseline": _signed(formulated[goal.pk].changes.get("gas_baseline")),
            }
            for goal in rows_of(Goal.objects, "plan__citizen", citizen_id)
            .select_related("plan")
            .order_by("pk")
            .iterator(chunk_size=2000)
        ),
    )
    write(
        fmt.GOAL_EVENTS,
        (
            {
                "id": key(Entity.GOAL_EVENT, event.pk),
                "goal": key(Entity.GOAL, event.goal_id),
                "date": timezone.localdate(event.at),
                "reason": event.reason,
                "note": event.note,
                "text": event.changes.get("text", ""),
                "status": event.changes.get("status", ""),
                "target_date": event.changes.get("target_date") or "",
                "category": codes.get(event.changes.get("category"), ""),
                "supported_by": event.changes.get("supported_by", ""),
                "gas_level": _signed(event.changes.get("gas_level")),
            }
            for event in rows_of(GoalEvent.objects, "goal__plan__citizen", citizen_id)
            .exclude(reason=GoalEvent.Reason.CREATED)
            .order_by("pk")
            .iterator(chunk_size=5000)
            if any(event.changes.get(c) not in (None, "") for c in (*GOAL_CHANGES, "gas_level"))
        ),
    )
    activities = (
        rows_of(Activity.objects, "plan__citizen", citizen_id)
        .select_related("plan", "sector", "kind", "company")
        .prefetch_related("goals")
    )
    write(
        fmt.ACTIVITIES,
        (
            {
                "id": key(Entity.ACTIVITY, activity.pk),
                "citizen": citizen(activity.plan.citizen_id),
                "sector": activity.sector.code,
                "kind": activity.kind.code,
                "purpose": activity.purpose,
                "goals": fmt.LIST_SEPARATOR.join(
                    key(Entity.GOAL, pk) for pk in sorted(g.pk for g in activity.goals.all())
                ),
                "delivered_by": activity.delivered_by,
                "start_date": activity.start_date,
                "end_date": activity.end_date,
                "weekly_hours": activity.weekly_hours,
                "company_mentor": activity.company_mentor,
                "result": activity.result,
                "next_step": activity.next_step,
                "company_cvr": activity.company.cvr if activity.company else "",
                "mentor_contact": key(Entity.COMPANY_CONTACT, activity.mentor_contact_id),
            }
            for activity in activities.order_by("pk").iterator(chunk_size=2000)
        ),
    )
    write(
        fmt.PARTICIPANTS,
        (
            {
                "meeting": key(Entity.MEETING, p.meeting_id),
                "role": p.role.code,
                "user": p.user.username if p.user else "",
                "name": p.name,
            }
            for p in rows_of(MeetingParticipant.objects, "meeting__plan__citizen", citizen_id)
            .select_related("role", "user")
            .order_by("meeting_id", "pk")
            .iterator(chunk_size=5000)
        ),
    )
    write(
        fmt.MEETINGS,
        (
            {
                "id": key(Entity.MEETING, meeting.pk),
                "citizen": citizen(meeting.plan.citizen_id),
                "kind": meeting.kind.code,
                "date": meeting.date,
                "citizen_attended": meeting.citizen_attended,
                "notes": meeting.notes,
                "notes_internal": meeting.notes_internal,
                "status": meeting.status,
                "start_time": fmt.format_time(meeting.start_time),
                "end_time": fmt.format_time(meeting.end_time),
                "place": meeting.place,
            }
            for meeting in rows_of(Meeting.objects, "plan__citizen", citizen_id)
            .select_related("plan", "kind")
            .order_by("pk")
            .iterator(chunk_size=2000)
        ),
    )
    mentors = (
        rows_of(Mentor.objects, "plan__citizen", citizen_id)
        .select_related("plan", "kind", "user")
        .prefetch_related("tasks")
    )
    write(
        fmt.MENTORS,
        (
            {
                "id": key(Entity.MENTOR, mentor.pk),
                "citizen": citizen(mentor.plan.citizen_id),
                "kind": mentor.kind.code,
                "name": mentor.name,
                "user": mentor.user.username if mentor.user else "",
                "start_date": mentor.start_date,
                "end_date": mentor.end_date,
                "tasks": fmt.LIST_SEPARATOR.join(sorted(t.code for t in mentor.tasks.all())),
            }
            for mentor in mentors.order_by("pk").iterator(chunk_size=2000)
        ),
    )
    write(
        fmt.PLAN_ROLES,
        (
            {
                "id": key(Entity.PLAN_ROLE, plan_role.pk),
                "citizen": citizen(plan_role.plan.citizen_id),
                "role": plan_role.role.code,
                "user": plan_role.user.username if plan_role.user else "",
                "name": plan_role.name,
                "task": plan_role.task,
            }
            for plan_role in rows_of(PlanRole.objects, "plan__citizen", citizen_id)
            .select_related("plan", "role", "user")
            .order_by("pk")
            .iterator(chunk_size=2000)
        ),
    )
