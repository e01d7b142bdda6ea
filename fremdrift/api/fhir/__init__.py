"""FHIR R4 at /api/v1/fhir/: instrument versions as Questionnaire, assessments as
QuestionnaireResponse, plan goals as Goal and the plan as CarePlan; importing a Questionnaire
creates an instrument.

The mapping lives in plain functions that take model objects and return FHIR JSON as dicts;
the views validate every answer with the `fhir.resources` R4B models (the release of
`fhir.resources` closest to R4) before sending it as `application/fhir+json`. Reads follow the
case through the same selectors as the rest of the API (`citizens_in_scope` underneath): one
outside the scope answers 404 and is never listed, and every read of personal data is in the
access log. No resource holds a CPR number: the subject is `Patient/<citizen id>`.
The mapping choices are described in docs/api.md, "FHIR".

The package: `common` (namespaces, ids and references, codings, the Bundle, the answer),
`questionnaires` (Questionnaire both ways, and the import), `responses`
(QuestionnaireResponse), `plans` (Goal and CarePlan) and `views` (the router and its
endpoints). `fremdrift.api.api` registers `fremdrift.api.fhir.router`."""

from fremdrift.api.fhir.views import router

__all__ = ["router"]
