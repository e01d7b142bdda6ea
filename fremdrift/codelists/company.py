"""Which activity types are company-oriented: the one place of these sets of codes of the code
list `activity_type` (employment sector). Every figure, predicate and form about company-oriented
activities reads them from here."""

# Placements at a company, as KVIK counts them: internships and jobs with wage subsidy. The
# milestone "a company-oriented activity started", the monitoring curve and the programme
# outcomes count these; each may be linked to a company of the register and its mentor.
COMPANY_ACTIVITY_TYPES = ("internship_single", "internship_company_centre", "wage_subsidy")

# What a job consultant records on a citizen's plan: the placements, and the company-oriented
# activities that are not placements (a company visit, a short trial internship, "snusepraktik"),
# where an organisation has added these codes to its list.
COMPANY_ORIENTED_TYPES = (*COMPANY_ACTIVITY_TYPES, "company_visit", "taster_internship")
