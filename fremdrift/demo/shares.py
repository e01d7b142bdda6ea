"""The demo's collaborations (issue 25, §3): Jobcenter Fremby shares six citizens' cases with
Socialforvaltningen Fremby, which works on the same plan (seed 004's model). Six, not two, so
that Socialforvaltningen's manager (`socialanalytiker`) sees figures in the reports of the
group "Borgere, som andre myndigheder deler med os" (`?group=shared`): a group of fewer than
five would show only that there are too few citizens."""

import datetime as dt

from fremdrift.citizens.services import case_share_create

PURPOSES = [
    "Koordineret indsats: bolig, misbrugsbehandling og vejen mod job (seed 004)",
    "Fælles plan med socialforvaltningen om støttekontaktperson og beskæftigelse",
    "Koordineret indsats: bostøtte og afklaring af arbejdsevne",
    "Fælles plan om mentorstøtte og behandling for angst",
    "Samarbejde om økonomisk rådgivning og virksomhedspraktik",
    "Fælles plan om bolig efter herberg og vejen mod uddannelse",
]


def seed_case_shares(*, actor, shared_with, citizens: list, today: dt.date) -> int:
    """Shares the cases of the first six of `actor`'s citizens with `shared_with`."""
    own = [c for c in citizens if c.responsible_caseworker_id == actor.pk][: len(PURPOSES)]
    for number, (citizen, purpose) in enumerate(zip(own, PURPOSES, strict=False)):
        case_share_create(
            actor=actor,
            citizen=citizen,
            shared_with=shared_with,
            purpose=purpose,
            start_date=today - dt.timedelta(days=30 + 15 * number),
            end_date=None if number % 2 == 0 else today + dt.timedelta(days=120),
        )
    return len(own)
