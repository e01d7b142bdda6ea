"""The built-in instruments (DOMAIN.md, "Built-in instruments"), with item texts written for
Fremdrift. Loaded by migration as published version 1 of each; administrators copy and adapt.

Each item: (code, short label da, en, text da, en, scale type, options).
"""

TEN_POINTS = {
    "1": ["Slet ikke", "Not at all"],
    "2": ["Næsten ikke", "Hardly"],
    "3": ["Meget lidt", "Very little"],
    "4": ["Lidt", "A little"],
    "5": ["Noget", "Somewhat"],
    "6": ["En del", "Fairly"],
    "7": ["Ret godt", "Quite well"],
    "8": ["Godt", "Well"],
    "9": ["Meget godt", "Very well"],
    "10": ["Helt", "Completely"],
}
YOUTH_POINTS = {
    "1": ["Store udfordringer", "Major challenges"],
    "2": ["Udfordringer", "Challenges"],
    "3": ["Nogle udfordringer", "Some challenges"],
    "4": ["Få udfordringer", "Few challenges"],
    "5": ["Ingen udfordringer", "No challenges"],
}
FIDELITY_POINTS = {
    "1": ["Ikke gennemført", "Not implemented"],
    "2": ["Delvist gennemført", "Partly implemented"],
    "3": ["Overvejende gennemført", "Largely implemented"],
    "4": ["Fuldt gennemført", "Fully implemented"],
}
AGREEMENT_POINTS = {
    "1": ["Helt uenig", "Strongly disagree"],
    "2": ["Overvejende uenig", "Mostly disagree"],
    "3": ["Hverken enig eller uenig", "Neither agree nor disagree"],
    "4": ["Overvejende enig", "Mostly agree"],
    "5": ["Helt enig", "Strongly agree"],
}


def _ordinal(low, high, points, **extra):
    return {
        "scale_type": "ordinal",
        "scale_min": low,
        "scale_max": high,
        "point_labels": points,
        **extra,
    }


INSTRUMENTS = [
    {
        "code": "adult_wheel",
        "name_da": "Bevægelseshjul for aktivitetsparate voksne",
        "name_en": "Movement wheel for activity-ready adults",
        "purpose": "progression",
        "respondents": ["citizen", "caseworker", "joint", "provider"],
        "items": [
            (
                "health_for_work",
                "Helbred og arbejde",
                "Health for work",
                "Mit helbred gør det muligt for mig at arbejde",
                "My health allows me to work",
                _ordinal(1, 10, TEN_POINTS),
            ),
            (
                "everyday_energy",
                "Energi i hverdagen",
                "Everyday energy",
                "Jeg har overskud til at klare min hverdag",
                "I have the energy to manage my everyday life",
                _ordinal(1, 10, TEN_POINTS),
            ),
            (
                "network_support",
                "Netværk og støtte",
                "Network and support",
                "Jeg har mennesker omkring mig, som støtter mig",
                "I have people around me who support me",
                _ordinal(1, 10, TEN_POINTS),
            ),
            (
                "attendance_stability",
                "Fremmøde og stabilitet",
                "Attendance and stability",
                "Jeg møder stabilt op til aftaler og aktiviteter",
                "I turn up steadily for appointments and activities",
                _ordinal(1, 10, TEN_POINTS),
            ),
            (
                "social_skills_work",
                "Samarbejde på en arbejdsplads",
                "Social skills at work",
                "Jeg fungerer godt sammen med andre på en arbejdsplads",
                "I work well with others at a workplace",
                _ordinal(1, 10, TEN_POINTS),
            ),
            (
                "motivation_job_goal",
                "Motivation og jobmål",
                "Motivation and job goal",
                "Jeg ved, hvilket arbejde jeg vil have, og arbejder hen imod det",
                "I know what work I want and I work towards it",
                _ordinal(1, 10, TEN_POINTS),
            ),
            (
                "work_skills",
                "Arbejdsevner",
                "Work skills",
                "Jeg kan løse de opgaver, et arbejde kræver",
                "I can do the tasks that a job requires",
                _ordinal(1, 10, TEN_POINTS),
            ),
            (
                "housing_finances",
                "Bolig og økonomi",
                "Housing and finances",
                "Min bolig og min økonomi er på plads",
                "My housing and finances are in order",
                _ordinal(1, 10, TEN_POINTS),
            ),
        ],
    },
    {
        "code": "youth_focus_areas",
        "name_da": "Unges fokusområder",
        "name_en": "Focus areas for young people",
        "purpose": "progression",
        "respondents": ["citizen", "caseworker", "joint", "provider"],
        "items": [
            (
                "development_behaviour",
                "Udvikling og adfærd",
                "Development and behaviour",
                "Hvordan går det med din udvikling og din måde at handle på?",
                "How are your development and behaviour?",
                _ordinal(1, 5, YOUTH_POINTS),
            ),
            (
                "family",
                "Familie",
                "Family",
                "Hvordan går det i din familie?",
                "How are things in your family?",
                _ordinal(1, 5, YOUTH_POINTS),
            ),
            (
                "school_work",
                "Skole og arbejde",
                "School and work",
                "Hvordan går det med skole, uddannelse eller arbejde?",
                "How are school, education or work going?",
                _ordinal(1, 5, YOUTH_POINTS),
            ),
            (
                "health",
                "Sundhed",
                "Health",
                "Hvordan har du det fysisk og psykisk?",
                "How are you physically and mentally?",
                _ordinal(1, 5, YOUTH_POINTS),
            ),
            (
                "leisure_friends",
                "Fritid og venner",
                "Leisure and friends",
                "Hvordan går det med din fritid og dine venner?",
                "How are your leisure time and friendships?",
                _ordinal(1, 5, YOUTH_POINTS),
            ),
            (
                "everyday_life",
                "Hverdagsliv",
                "Everyday life",
                "Hvordan klarer du din hverdag: søvn, mad, bolig og penge?",
                "How do you manage everyday life: sleep, food, home and money?",
                _ordinal(1, 5, YOUTH_POINTS),
            ),
            (
                "addiction_crime",
                "Misbrug og kriminalitet",
                "Addiction and crime",
                "Fylder rusmidler eller kriminalitet i dit liv?",
                "Do drugs, alcohol or crime take up room in your life?",
                _ordinal(1, 5, YOUTH_POINTS),
            ),
        ],
    },
    {
        "code": "observation",
        "name_da": "Observationer",
        "name_en": "Observations",
        "purpose": "observation",
        "respondents": ["caseworker", "provider", "observation"],
        "items": [
            (
                "attendance_percent",
                "Fremmøde",
                "Attendance",
                "Fremmøde i perioden",
                "Attendance in the period",
                {"scale_type": "percent"},
            ),
            (
                "took_part_planned",
                "Deltog i aktiviteter",
                "Took part in activities",
                "Deltog i de planlagte aktiviteter",
                "Took part in the planned activities",
                {"scale_type": "yes_no"},
            ),
            (
                "in_treatment",
                "I behandling",
                "In treatment",
                "I behandling som planlagt",
                "In treatment as planned",
                {"scale_type": "yes_no", "allows_not_relevant": True},
            ),
        ],
    },
    {
        "code": "resource_profile",
        "name_da": "Ressourceprofil",
        "name_en": "Resource profile",
        "purpose": "resource_profile",
        "respondents": ["caseworker", "joint"],
        "items": [
            (
                code,
                da,
                en,
                f"{da}: hvad kan borgeren, og hvad kan udvikles?",
                f"{en}: what can the citizen do, and what can be developed?",
                {"scale_type": "text"},
            )
            for code, da, en in [
                ("education", "Uddannelse", "Education"),
                ("work_experience", "Arbejdsmarkedserfaring", "Work experience"),
                ("interests", "Interesser", "Interests"),
                ("social_skills", "Sociale kompetencer", "Social skills"),
                ("adaptability", "Omstillingsevne", "Adaptability"),
                ("learning_ability", "Indlæringsevne", "Learning ability"),
                ("work_wishes", "Arbejdsrelevante ønsker", "Work-related wishes"),
                (
                    "performance_expectations",
                    "Præstationsforventninger",
                    "Performance expectations",
                ),
                ("work_identity", "Arbejdsidentitet", "Work identity"),
                ("housing_finances", "Bolig og økonomi", "Housing and finances"),
                ("social_network", "Socialt netværk", "Social network"),
                ("health", "Helbred", "Health"),
            ]
        ],
    },
    {
        "code": "fidelity",
        "name_da": "Implementeringsgrad (fidelitet)",
        "name_en": "Programme fidelity",
        "purpose": "fidelity",
        "respondents": ["provider"],
        "items": [
            (
                "start_meeting",
                "Tværfagligt opstartsmøde",
                "Cross-disciplinary start meeting",
                "Der holdes et tværfagligt opstartsmøde med borgeren",
                "A cross-disciplinary start meeting is held with the citizen",
                _ordinal(1, 4, FIDELITY_POINTS),
            ),
            (
                "one_plan",
                "Én fælles plan",
                "One shared plan",
                "Borgeren har én fælles plan med sit eget jobmål",
                "The citizen has one shared plan with their own job goal",
                _ordinal(1, 4, FIDELITY_POINTS),
            ),
            (
                "phased_course",
                "Faseopdelt forløb",
                "Phased course",
                "Forløbet følger de aftalte faser",
                "The course follows the agreed phases",
                _ordinal(1, 4, FIDELITY_POINTS),
            ),
            (
                "handover",
                "Overdragelse",
                "Handover",
                "Overdragelse til varig støtte planlægges i god tid",
                "Handover to lasting support is planned in good time",
                _ordinal(1, 4, FIDELITY_POINTS),
            ),
            (
                "supervision",
                "Supervision",
                "Supervision",
                "Medarbejderne får løbende supervision",
                "Staff receive regular supervision",
                _ordinal(1, 4, FIDELITY_POINTS),
            ),
        ],
    },
    {
        "code": "citizen_survey",
        "name_da": "Borgertilfredshed",
        "name_en": "Citizen satisfaction survey",
        "purpose": "satisfaction",
        "respondents": ["citizen"],
        "items": [
            (
                code,
                da_short,
                en_short,
                da,
                en,
                _ordinal(1, 5, AGREEMENT_POINTS, allows_dont_know=True),
            )
            for code, da_short, en_short, da, en in [
                (
                    "involved_in_plan",
                    "Inddraget i planen",
                    "Involved in the plan",
                    "Jeg blev inddraget i at lægge min plan",
                    "I was involved in making my plan",
                ),
                (
                    "plan_matters",
                    "Planen er vigtig for mig",
                    "The plan matters to me",
                    "Min plan handler om det, der er vigtigt for mig",
                    "My plan is about what matters to me",
                ),
                (
                    "knows_contact",
                    "Ved hvem jeg kontakter",
                    "Knows whom to contact",
                    "Jeg ved, hvem jeg skal kontakte, hvis jeg har brug for hjælp",
                    "I know whom to contact when I need help",
                ),
                (
                    "taken_seriously",
                    "Taget alvorligt",
                    "Taken seriously",
                    "Medarbejderne tog mig alvorligt",
                    "The staff took me seriously",
                ),
                (
                    "closer_to_job",
                    "Tættere på job",
                    "Closer to a job",
                    "Forløbet har bragt mig tættere på arbejde eller uddannelse",
                    "The course has brought me closer to work or education",
                ),
                (
                    "help_at_once",
                    "Hjælp på flere områder",
                    "Help in several areas",
                    "Jeg fik hjælp til flere ting på én gang, fx helbred, bolig og økonomi",
                    "I got help with several things at once, such as health, housing and money",
                ),
            ]
        ],
    },
]


def _choice(options, **extra):
    return {"scale_type": "choice", "options": options, **extra}


PROFILE_CODE = "participant_profile"

# Seed 002, "Deltagerprofil": who enters a programme, registered once per enrolment.
PARTICIPANT_PROFILE = {
    "code": PROFILE_CODE,
    "name_da": "Deltagerprofil",
    "name_en": "Participant profile",
    "purpose": "profile",
    "respondents": ["caseworker"],
    "items": [
        (
            "benefit_type",
            "Ydelse",
            "Benefit",
            "Hvilken ydelse modtager borgeren?",
            "Which benefit does the citizen receive?",
            _choice(
                [
                    ["cash_benefit", "Kontanthjælp", "Social assistance"],
                    ["education_benefit", "Uddannelseshjælp", "Education assistance"],
                    ["sickness_benefit", "Sygedagpenge", "Sickness benefit"],
                    ["resource_benefit", "Ressourceforløbsydelse", "Resource course benefit"],
                    ["unemployment_benefit", "Dagpenge", "Unemployment benefit"],
                    ["other", "Anden ydelse", "Other benefit"],
                ]
            ),
        ),
        (
            "match_group",
            "Matchgruppe",
            "Match group",
            "Matchgruppe ved visitationen",
            "Match group at referral",
            _choice(
                [
                    ["match_1", "Matchgruppe 1 (jobparat)", "Match group 1 (job-ready)"],
                    ["match_2", "Matchgruppe 2 (indsatsparat)", "Match group 2 (ready for help)"],
                    [
                        "match_3",
                        "Matchgruppe 3 (midlertidigt passiv)",
                        "Match group 3 (temporarily passive)",
                    ],
                ]
            ),
        ),
        (
            "match_reasons",
            "Begrundelser",
            "Reasons",
            "Begrundelser for matchkategoriseringen",
            "Reasons for the match categorisation",
            {
                "scale_type": "choices",
                "options": [
                    [
                        "mental_health",
                        "Psykiske funktionsnedsættelser",
                        "Mental health problems",
                    ],
                    ["social", "Sociale problemer", "Social problems"],
                    ["physical", "Fysiske funktionsnedsættelser", "Physical impairments"],
                    ["behaviour", "Adfærdsproblemer", "Behavioural problems"],
                    ["motivation", "Motivationsproblemer", "Motivation problems"],
                    ["addiction", "Misbrug", "Addiction"],
                    ["other", "Andet", "Other"],
                ],
            },
        ),
        (
            "education",
            "Uddannelse",
            "Education",
            "Højeste fuldførte uddannelse",
            "Highest completed education",
            _choice(
                [
                    ["no_primary", "Ikke afsluttet folkeskole", "Primary school not completed"],
                    ["primary", "Folkeskole", "Primary school"],
                    ["upper_secondary", "Gymnasial uddannelse", "Upper secondary school"],
                    ["vocational", "Erhvervsuddannelse", "Vocational education"],
                    [
                        "short_higher",
                        "Kort videregående uddannelse",
                        "Short-cycle higher education",
                    ],
                    [
                        "higher",
                        "Mellemlang eller lang videregående uddannelse",
                        "Bachelor's level or higher",
                    ],
                ],
                allows_dont_know=True,
            ),
        ),
        (
            "work_experience",
            "Erhvervserfaring",
            "Work experience",
            "Borgerens samlede erhvervserfaring",
            "The citizen's total work experience",
            _choice(
                [
                    ["never", "Aldrig været på arbejdsmarkedet", "Never in work"],
                    ["under_1_year", "Under 1 år", "Under 1 year"],
                    ["1_to_3_years", "1-3 år", "1-3 years"],
                    ["3_years_or_more", "3 år eller mere", "3 years or more"],
                ],
                allows_dont_know=True,
            ),
        ),
        (
            "earlier_company_offers",
            "Tidligere virksomhedsrettet",
            "Earlier company-oriented offers",
            "Har borgeren tidligere haft virksomhedsrettede tilbud?",
            "Has the citizen had company-oriented offers before?",
            _choice([["yes", "Ja", "Yes"], ["no", "Nej", "No"]], allows_dont_know=True),
        ),
    ],
}
