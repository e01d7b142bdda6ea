"""The jobcentre's own codes beside the installation's defaults: the local codes the seeds
name, added as an administrator adds them (`codeadmin.services.code_add`)."""

from fremdrift.codeadmin.services import code_add
from fremdrift.codelists.models import Code, CodeList

# (code list, group of a two-level list, code, Danish label, English label)
OWN_CODES = [
    (CodeList.PARTICIPANT_ROLE, None, "nurse", "Sygeplejerske", "Nurse"),
    (CodeList.PARTICIPANT_ROLE, None, "physiotherapist", "Fysioterapeut", "Physiotherapist"),
    (
        CodeList.PARTICIPANT_ROLE,
        None,
        "support_contact",
        "Støttekontaktperson",
        "Support contact person",
    ),
    (
        CodeList.PARTICIPANT_ROLE,
        None,
        "education_guidance",
        "UU-vejleder (Ungdommens Uddannelsesvejledning)",
        "Youth education guidance (UU)",
    ),
    (CodeList.MEETING_KIND, None, "pre_meeting", "Formøde", "Pre-meeting among staff"),
    (CodeList.MEETING_KIND, None, "company_visit", "Virksomhedsbesøg", "Company visit"),
    (
        CodeList.ACTIVITY_TYPE,
        "employment",
        "taster_internship",
        "Snusepraktik",
        "Taster internship",
    ),
    (
        CodeList.ACTIVITY_TYPE,
        "employment",
        "partial_return_to_work",
        "Delvis raskmelding",
        "Partial return to work",
    ),
    (CodeList.ACTIVITY_TYPE, "employment", "own_job_search", "Egen jobsøgning", "Own job search"),
    (CodeList.TARGET_GROUP, None, "children", "Børn", "Children"),
    (CodeList.TARGET_GROUP, None, "young_people", "Unge", "Young people"),
]


def seed_own_codes(*, organisation) -> list[Code]:
    made = []
    for order, (code_list, group, code, label_da, label_en) in enumerate(OWN_CODES, start=100):
        parent = (
            Code.objects.get(code_list=code_list, code=group, parent=None, organisation=None)
            if group
            else None
        )
        made.append(
            code_add(
                actor=None,
                organisation=organisation,
                code_list=code_list,
                code=code,
                label_da=label_da,
                label_en=label_en,
                sort_order=order,
                parent=parent,
            )
        )
    return made
