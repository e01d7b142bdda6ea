"""The default code lists from the source documents: (code, Danish label, English label[, children])."""

DEFAULTS: dict[str, list[tuple]] = {
    "target_group": [
        (
            "activity_ready_cash_benefit",
            "Aktivitetsparat kontanthjælpsmodtager",
            "Activity-ready cash benefit",
        ),
        (
            "activity_ready_education_benefit",
            "Aktivitetsparat uddannelseshjælpsmodtager",
            "Activity-ready education benefit",
        ),
        ("resource_course", "Ressourceforløb", "Resource course"),
        ("job_clarification_course", "Jobafklaringsforløb", "Job clarification course"),
        ("sickness_benefit", "Sygedagpenge", "Sickness benefit"),
        (
            "flexjob_unemployment_benefit",
            "Ledighedsydelse (fleksjob)",
            "Flex-job unemployment benefit",
        ),
    ],
    "end_goal_category": [
        ("ordinary_hours", "Ordinære løntimer", "Ordinary wage hours"),
        ("job", "Job", "Job"),
        ("education", "Uddannelse", "Education"),
        ("preparatory_plan", "Forberedende plan", "Preparatory plan"),
        ("flexjob_clarification", "Afklaring til fleksjob", "Clarification for flex-job"),
        (
            "pension_clarification",
            "Afklaring til førtidspension",
            "Clarification for disability pension",
        ),
        ("resource_course", "Ressourceforløb", "Resource course"),
    ],
    "activity_sector": [
        ("employment", "Beskæftigelse", "Employment"),
        ("health", "Sundhed", "Health"),
        ("social", "Socialområdet", "Social"),
        ("education", "Uddannelse", "Education"),
    ],
    "activity_type": [
        (
            "employment",
            "Beskæftigelse",
            "Employment",
            [
                ("internship_single", "Enkeltpraktik", "Single internship"),
                ("internship_company_centre", "Virksomhedscenter", "Company centre internship"),
                ("wage_subsidy", "Job med løntilskud", "Job with wage subsidy"),
                ("guidance", "Vejledning", "Guidance"),
                ("job_search_support", "Støtte til jobsøgning", "Job search support"),
                ("aftercare", "Efterværn", "Aftercare"),
            ],
        ),
        (
            "health",
            "Sundhed",
            "Health",
            [
                ("addiction_treatment", "Misbrugsbehandling", "Addiction treatment"),
                ("psychiatric_treatment", "Psykiatrisk behandling", "Psychiatric treatment"),
                ("somatic_treatment", "Somatisk behandling", "Somatic treatment"),
                ("physiotherapy", "Fysioterapi", "Physiotherapy"),
                ("psychologist", "Psykolog", "Psychologist"),
            ],
        ),
        (
            "social",
            "Socialområdet",
            "Social",
            [
                ("housing_support", "Bostøtte", "Housing support"),
                ("support_contact", "Støttekontaktperson", "Support contact person"),
                ("debt_counselling", "Økonomisk rådgivning", "Debt counselling"),
                ("cti", "CTI-forløb", "Critical Time Intervention"),
            ],
        ),
        (
            "education",
            "Uddannelse",
            "Education",
            [
                ("preparatory_education", "Forberedende uddannelse", "Preparatory education"),
                ("education", "Uddannelse", "Education"),
            ],
        ),
    ],
    "mentor_kind": [
        ("social", "Social mentor", "Social mentor"),
        ("volunteer", "Frivillig mentor", "Volunteer mentor"),
        ("company", "Virksomhedsmentor", "Company mentor"),
        ("support_contact", "Støttekontaktperson", "Support contact person"),
        ("coordinator", "Tovholder", "Coordinator"),
    ],
    "mentor_task": [
        ("guidance_support", "Vejledning og støtte", "Guidance and support"),
        (
            "jobcentre_cooperation",
            "Samarbejde med jobcentret om forløbet",
            "Cooperation with the jobcentre on the course",
        ),
        ("goal_setting", "Opstilling af mål og delmål", "Setting goals and sub-goals"),
        (
            "progress_follow_up",
            "Opfølgning på progression frem mod afgang",
            "Following progress towards exit",
        ),
        ("task_matching", "Matchning af borger og opgaver", "Matching citizen and tasks"),
        (
            "workplace_introduction",
            "Introduktion til arbejdspladsen",
            "Introduction to the workplace",
        ),
        (
            "cv_applications",
            "CV, ansøgninger og uddannelsesmuligheder",
            "CV, applications and education options",
        ),
    ],
    "meeting_kind": [
        ("start_meeting", "Opstartsmøde", "Start meeting"),
        ("follow_up", "Opfølgning", "Follow-up"),
        ("coordinated_clarification", "Koordineret afklaring", "Coordinated clarification"),
        ("handover", "Overdragelsesmøde", "Handover meeting"),
    ],
    "participant_role": [
        ("cti_worker", "CTI-medarbejder", "CTI worker"),
        ("employment_caseworker", "Beskæftigelsessagsbehandler", "Employment caseworker"),
        ("company_consultant", "Virksomhedskonsulent", "Job/company consultant"),
        ("social_caseworker", "Socialrådgiver", "Social caseworker"),
        ("doctor", "Læge", "Doctor"),
        ("psychologist", "Psykolog", "Psychologist"),
        ("addiction_counsellor", "Misbrugskonsulent", "Addiction counsellor"),
        ("other", "Andet", "Other"),
    ],
    "exit_reason": [
        (
            "self_support",
            "Selvforsørgelse",
            "Self-support",
            [
                ("job", "Ordinært job", "Ordinary job"),
                ("education", "Uddannelse", "Education"),
            ],
        ),
        (
            "progress",
            "En vis progression",
            "Some progress",
            [
                ("wage_subsidy", "Job med løntilskud", "Job with wage subsidy"),
                ("flexjob", "Fleksjob", "Flex-job"),
                ("rematched", "Ommatchet", "Rematched"),
                ("continued_internship", "Fortsat i praktik", "Continued in internship"),
                ("awaiting_education", "Afventer uddannelse", "Awaiting education"),
            ],
        ),
        (
            "other_offer",
            "Overgået til andet tilbud",
            "Moved to another offer",
            [
                ("other_offer", "Overgået til andet tilbud", "Moved to another offer"),
            ],
        ),
        (
            "unrelated",
            "Ikke relateret til indsatsen",
            "Not related to the programme",
            [
                ("maternity", "Barsel", "Maternity leave"),
                ("moved", "Fraflyttet", "Moved away"),
                ("sick", "Sygemeldt", "Sick leave"),
                ("pension", "Indstillet til førtidspension", "Recommended for disability pension"),
                ("prison", "Afsoner", "Serving a sentence"),
            ],
        ),
        (
            "not_benefited",
            "Ikke profiteret",
            "Did not benefit",
            [
                ("no_motivation", "Manglende motivation", "Lack of motivation"),
                ("absence", "Fravær", "Absence"),
            ],
        ),
        (
            "programme_ended",
            "Indsatsen afsluttet",
            "Programme ended",
            [
                ("programme_ended", "Indsatsen afsluttet", "Programme ended"),
            ],
        ),
        (
            "other",
            "Andet",
            "Other",
            [
                ("other", "Andet", "Other"),
            ],
        ),
    ],
}
