"""The life of an organisation's own code: added by an administrator beside the defaults,
renamed, retired (never deleted), with its history; offered in the forms and the API of its
own organisation only, and no longer chosen anew once retired, while the rows that name it
keep it."""

import datetime as dt
import json
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from fremdrift.accounts.models import Role
from fremdrift.audit.models import ChangeRecord
from fremdrift.codeadmin import services
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import code_of, codes_for
from fremdrift.demo.codes import seed_own_codes
from fremdrift.exchange import format as fmt
from fremdrift.exchange.services import package_export, package_import, package_manifest
from fremdrift.plans import services as plan_services
from fremdrift.plans.models import Meeting
from fremdrift.testing import make_user

API = "/api/v1"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _add(world, code="pre_meeting", **overrides):
    values = {
        "actor": world.administrator,
        "organisation": world.nord,
        "code_list": CodeList.MEETING_KIND,
        "code": code,
        "label_da": "Formøde",
        "label_en": "Pre-meeting among staff",
        "sort_order": 10,
    } | overrides
    return services.code_add(**values)


def _meeting(world, kind) -> Meeting:
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    return plan_services.meeting_record(
        actor=world.caseworker,
        plan=plan,
        kind=kind,
        date=dt.date.today(),
        citizen_attended=True,
    )


def test_an_administrator_adds_renames_and_retires_an_own_code_with_its_history(world):
    code = _add(world)
    assert code.organisation == world.nord and code.is_active and code.parent is None

    services.code_rename(
        actor=world.administrator,
        code=code,
        label_da="Formøde blandt medarbejdere",
        label_en="Staff pre-meeting",
        sort_order=5,
    )
    services.code_retire(actor=world.administrator, code=code)
    code.refresh_from_db()
    assert (code.code, code.label_da, code.sort_order, code.is_active) == (
        "pre_meeting",
        "Formøde blandt medarbejdere",
        5,
        False,
    )
    history = list(
        ChangeRecord.objects.filter(model="codelists.Code", object_id=str(code.pk)).order_by("id")
    )
    assert [h.kind for h in history] == ["create", "update", "update"]
    assert history[0].after["code"] == "pre_meeting" and history[0].actor == world.administrator
    assert history[1].after == {
        "label_da": "Formøde blandt medarbejdere",
        "label_en": "Staff pre-meeting",
        "sort_order": 5,
    }
    assert history[2].before == {"is_active": True} and history[2].after == {"is_active": False}

    services.code_reactivate(actor=world.administrator, code=code)
    code.refresh_from_db()
    assert code.is_active


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "start_meeting"}, "code"),  # a default of the list
        ({"code": "Not a slug!"}, "code"),
        ({"label_da": "  "}, "label_da"),
        ({"label_en": ""}, "label_en"),
        ({"sort_order": -1}, "sort_order"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, overrides, field):
    before = Code.objects.count()
    with pytest.raises(ValidationError) as refused:
        _add(world, **overrides)
    assert field in refused.value.message_dict
    assert Code.objects.count() == before
    assert not ChangeRecord.objects.filter(model="codelists.Code").exists()


def test_duplicates_groups_and_retiring_twice_are_refused(world):
    code = _add(world)
    with pytest.raises(ValidationError) as twice:
        _add(world)
    assert "code" in twice.value.message_dict
    # Another organisation may have the same own code.
    syd_admin = make_user("admin-syd", world.syd, Role.ADMINISTRATOR)
    assert _add(world, actor=syd_admin, organisation=world.syd).organisation == world.syd

    # A group from another list, a group in a one-level list, no group in a two-level list.
    sector = Code.objects.get(code_list=CodeList.ACTIVITY_SECTOR, code="employment")
    employment = Code.objects.get(code_list=CodeList.ACTIVITY_TYPE, code="employment", parent=None)
    for code_list, parent in [
        (CodeList.ACTIVITY_TYPE, sector),
        (CodeList.MEETING_KIND, employment),
        (CodeList.ACTIVITY_TYPE, None),
    ]:
        with pytest.raises(ValidationError) as wrong:
            _add(world, code="sniffing", code_list=code_list, parent=parent)
        assert "parent" in wrong.value.message_dict
    sniff = _add(
        world,
        code="sniff_internship",
        code_list=CodeList.ACTIVITY_TYPE,
        parent=employment,
        label_da="Snusepraktik",
        label_en="Taster internship",
    )
    assert sniff.parent == employment

    services.code_retire(actor=world.administrator, code=code)
    with pytest.raises(ValidationError) as again:
        services.code_retire(actor=world.administrator, code=code)
    assert "code" in again.value.message_dict
    # A default is not an administrator's to change, nor another organisation's code.
    default = Code.objects.get(code_list=CodeList.MEETING_KIND, code="start_meeting")
    with pytest.raises(ValidationError):
        services.code_retire(actor=world.administrator, code=default)
    with pytest.raises(ValidationError):
        services.code_rename(actor=world.caseworker, code=code, label_da="x", label_en="y")
    default.refresh_from_db()
    assert default.is_active


def test_the_database_refuses_a_second_own_code_of_the_same_name(world):
    _add(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Code.objects.create(
            organisation=world.nord,
            code_list=CodeList.MEETING_KIND,
            code="pre_meeting",
            label_da="x",
            label_en="x",
        )


def test_an_own_code_is_offered_in_the_meeting_form_and_a_retired_one_stays_on_the_meeting(
    world, client, login
):
    own = _add(world)
    login(world.caseworker)
    form_url = reverse("plans:form", args=[world.citizen.pk, "meeting"])
    page = client.get(form_url).content.decode()
    assert f'value="{own.pk}"' in page and own.label_da in page

    meeting = _meeting(world, own)
    services.code_retire(actor=world.administrator, code=own)
    page = client.get(form_url).content.decode()
    assert f'value="{own.pk}"' not in page
    plan = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert own.label_da in plan or own.label_en in plan
    meeting.refresh_from_db()
    assert meeting.kind == own

    # Posting the retired code anew is refused with the form again.
    response = client.post(
        reverse("plans:meeting_create", args=[world.citizen.pk]),
        {"kind": own.pk, "date": dt.date.today().isoformat(), "citizen_attended": "on"},
    )
    assert response.status_code == 400
    assert Meeting.objects.filter(kind=own).count() == 1

    # Another organisation's users are not offered Nord's own codes.
    assert not codes_for(code_list=CodeList.MEETING_KIND, organisation=world.syd).filter(pk=own.pk)


def test_the_api_lists_own_codes_to_their_organisation_only(world, client, bearer):
    own = _add(world)
    nord = client.get(f"{API}/codelists/meeting_kind", **bearer(world.caseworker)).json()
    found = {c["code"]: c for c in nord["codes"]}
    assert found["pre_meeting"]["organisation"] == world.nord.pk
    assert found["start_meeting"]["organisation"] is None
    syd = client.get(f"{API}/codelists/meeting_kind", **bearer(world.outsider)).json()
    assert "pre_meeting" not in {c["code"] for c in syd["codes"]}

    services.code_retire(actor=world.administrator, code=own)
    listed = client.get(f"{API}/codelists/meeting_kind", **bearer(world.caseworker)).json()
    assert {c["code"]: c["is_active"] for c in listed["codes"]}["pre_meeting"] is False


def test_the_api_refuses_a_retired_code_and_another_organisations_code(world, client, bearer):
    own = _add(world)
    body = {
        "citizen_id": world.citizen.pk,
        "kind": "pre_meeting",
        "date": dt.date.today().isoformat(),
    }
    headers = bearer(world.caseworker)
    made = client.post(f"{API}/meetings", body, content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    assert made.json()["kind"] == "pre_meeting"

    services.code_retire(actor=world.administrator, code=own)
    refused = client.post(f"{API}/meetings", body, content_type="application/json", **headers)
    assert refused.status_code == 400
    assert "kind" in refused.content.decode()
    assert Meeting.objects.filter(kind=own).count() == 1

    assert code_of(CodeList.MEETING_KIND, "start_meeting", "kind", organisation=world.syd)
    with pytest.raises(ValidationError):
        code_of(CodeList.MEETING_KIND, "pre_meeting", "kind", organisation=world.syd)


def test_the_pages_add_rename_and_retire_and_show_the_history(world, client, login):
    login(world.administrator)
    assert client.get(reverse("codelists:list")).status_code == 200
    url = reverse("codelists:detail", args=["meeting_kind"])
    response = client.post(
        url,
        {
            "add-code": "company_visit",
            "add-label_da": "Virksomhedsbesøg",
            "add-label_en": "Company visit",
            "add-sort_order": "20",
        },
    )
    assert response.status_code == 302
    code = Code.objects.get(organisation=world.nord, code="company_visit")

    duplicate = client.post(
        url,
        {
            "add-code": "company_visit",
            "add-label_da": "Igen",
            "add-label_en": "Again",
            "add-sort_order": "20",
        },
    )
    assert duplicate.status_code == 400
    assert 'value="Igen"' in duplicate.content.decode()
    assert Code.objects.filter(code="company_visit").count() == 1

    change = reverse("codelists:change", args=["meeting_kind", code.pk])
    renamed = client.post(
        change,
        {
            "action": "rename",
            f"code{code.pk}-label_da": "Besøg i virksomhed",
            f"code{code.pk}-label_en": "Visit at a company",
            f"code{code.pk}-sort_order": "21",
        },
    )
    assert renamed.status_code == 302
    assert client.post(change, {"action": "retire"}).status_code == 302
    assert client.post(change, {"action": "retire"}).status_code == 400
    page = client.get(url).content.decode()
    assert 'data-code="company_visit"' in page and 'data-active="no"' in page
    assert page.count('<li data-kind="update"') == 2 and '<li data-kind="create"' in page
    code.refresh_from_db()
    assert (code.label_en, code.is_active) == ("Visit at a company", False)

    # A default has no change form: it is not the organisation's to change.
    default = Code.objects.get(code_list="meeting_kind", code="start_meeting")
    assert (
        client.post(
            reverse("codelists:change", args=["meeting_kind", default.pk]), {"action": "retire"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["caseworker", "manager", "job_consultant", "provider_staff"])
def test_other_roles_are_refused(world, client, login, persona):
    login(getattr(world, persona))
    assert client.get(reverse("codelists:list")).status_code == 403
    assert client.get(reverse("codelists:detail", args=["meeting_kind"])).status_code == 403
    response = client.post(
        reverse("codelists:detail", args=["meeting_kind"]),
        {"add-code": "x", "add-label_da": "x", "add-label_en": "x", "add-sort_order": "1"},
    )
    assert response.status_code == 403
    assert not Code.objects.filter(code="x").exists()


def test_the_demo_gives_the_jobcentre_the_local_codes_of_the_seeds(world):
    made = seed_own_codes(organisation=world.nord)
    assert {(c.code_list, c.code) for c in made} >= {
        ("meeting_kind", "pre_meeting"),
        ("activity_type", "taster_internship"),
        ("target_group", "young_people"),
        ("participant_role", "nurse"),
    }
    offered = codes_for(code_list=CodeList.ACTIVITY_TYPE, organisation=world.nord)
    assert offered.filter(code="partial_return_to_work", parent__code="employment").exists()


def _codes_package(folder, source, rows=None):
    """A package of only codes.csv: the one `source` exported, or `rows` written anew."""
    folder.mkdir()
    if rows is None:
        shutil.copy(source / "codes.csv", folder / "codes.csv")
    else:
        writer = fmt.Writer(folder, fmt.CODES)
        for row in rows:
            writer.write(row)
        writer.close()
    manifest = package_manifest(files=["codes.csv"])
    (folder / fmt.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_the_exchange_package_carries_own_codes_there_and_back(world, tmp_path):
    first = tmp_path / "first"
    with transaction.atomic():
        _add(world)
        retired = _add(world, code="company_visit", label_da="Virksomhedsbesøg")
        services.code_retire(actor=world.administrator, code=retired)
        employment = Code.objects.get(
            code_list=CodeList.ACTIVITY_TYPE, code="employment", parent=None
        )
        _add(
            world,
            code="own_job_search",
            code_list=CodeList.ACTIVITY_TYPE,
            parent=employment,
            label_da="Egen jobsøgning",
            label_en="Own job search",
        )
        counts = package_export(actor=world.administrator, path=first)
        transaction.set_rollback(True)
    assert counts["codes.csv"] == 3
    exported = (first / "codes.csv").read_text(encoding="utf-8-sig")
    assert "start_meeting" not in exported  # the defaults are every installation's
    assert not Code.objects.filter(organisation__isnull=False).exists()

    imported = package_import(
        actor=world.administrator, path=_codes_package(tmp_path / "codes", first)
    )
    assert imported.written, imported.errors
    own = {
        (c.code_list, c.parent.code if c.parent else "", c.code): c
        for c in Code.objects.filter(organisation=world.nord).select_related("parent")
    }
    assert set(own) == {
        ("meeting_kind", "", "pre_meeting"),
        ("meeting_kind", "", "company_visit"),
        ("activity_type", "employment", "own_job_search"),
    }
    assert not own[("meeting_kind", "", "company_visit")].is_active
    assert own[("activity_type", "employment", "own_job_search")].label_da == "Egen jobsøgning"
    second = tmp_path / "second"
    package_export(actor=world.administrator, path=second)
    assert (second / "codes.csv").read_bytes() == (first / "codes.csv").read_bytes()

    # Imported again, the same package changes nothing.
    again = package_import(
        actor=world.administrator, path=_codes_package(tmp_path / "again", first)
    )
    assert again.written and Code.objects.filter(organisation=world.nord).count() == 3


def test_an_import_refuses_bad_code_rows_with_file_line_and_column(world, tmp_path):
    row = {
        "organisation": world.nord.name,
        "code_list": "meeting_kind",
        "code": "pre_meeting",
        "parent": "",
        "label_da": "Formøde",
        "label_en": "Pre-meeting",
        "sort_order": 1,
        "active": True,
    }
    rows = [
        row | {"code": "start_meeting"},  # a default: left as it is
        row,
        row | {"code": "x1", "organisation": world.syd.name},
        row | {"code": "x2", "code_list": "activity_type", "parent": "no_such_group"},
        row | {"code": "x3", "parent": "employment"},
        row | {"code": "x4", "label_en": ""},
    ]
    result = package_import(
        actor=world.administrator, path=_codes_package(tmp_path / "bad", None, rows)
    )
    assert not result.written
    found = {(e.file, e.line, e.column) for e in result.errors}
    assert found == {
        ("codes.csv", 4, "organisation"),
        ("codes.csv", 5, "parent"),
        ("codes.csv", 6, "parent"),
        ("codes.csv", 7, "label_en"),
    }
    assert not Code.objects.filter(organisation__isnull=False).exists()


def test_rows_of_a_package_may_name_the_own_codes_it_brings(world, tmp_path):
    """The check pass sees the package's codes before the rows that name them."""
    _add(world)
    folder = tmp_path / "pkg"
    rows = [
        {
            "organisation": world.nord.name,
            "code_list": "target_group",
            "code": "young_people",
            "parent": "",
            "label_da": "Unge",
            "label_en": "Young people",
            "sort_order": 5,
            "active": True,
        }
    ]
    _codes_package(folder, None, rows)
    writer = fmt.Writer(folder, fmt.CITIZENS)
    writer.write(
        {
            "id": "B-1",
            "cpr": "",
            "first_name": "Ung",
            "last_name": "Borger",
            "target_group": "young_people",
            "organisation": world.nord.name,
            "caseworker": world.caseworker.username,
            "birth_date": dt.date(2005, 1, 1),
            "sex": "female",
        }
    )
    writer.close()
    manifest = package_manifest(files=["codes.csv", "citizens.csv"])
    (folder / fmt.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = package_import(actor=world.administrator, path=folder)
    assert result.written, result.errors
    young = Code.objects.get(organisation=world.nord, code="young_people")
    assert world.nord.citizens.filter(target_group=young).count() == 1
