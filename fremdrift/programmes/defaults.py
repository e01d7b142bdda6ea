"""The milestones of the KVIK trial (DOMAIN.md); a programme may define its own."""

KVIK_MILESTONES = [
    {"code": "started", "label": "Opstart", "share": 10, "rule": "started"},
    {
        "code": "coordinated_clarification",
        "label": "Koordineret afklaring",
        "share": 20,
        "rule": "coordinated_clarification",
    },
    {
        "code": "plan_with_mentor",
        "label": "Plan med mentor",
        "share": 40,
        "rule": "plan_with_mentor",
    },
    {
        "code": "company_offer_or_job_education",
        "label": "Virksomhedsrettet tilbud, job eller uddannelse",
        "share": 30,
        "rule": "company_activity_or_job_education",
    },
]
