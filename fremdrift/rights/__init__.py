"""The citizen's rights under the GDPR: retention rules and erasure of case data (art. 5(1)(e),
17), and the subject-access export (art. 15)."""
