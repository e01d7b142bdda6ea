"""Fremdrift's own date formats per language (Django's FORMAT_MODULE_PATH), over Django's:
a date never reads as the ambiguous "12/03/2026", and a month is short ("jan. 2026")."""
