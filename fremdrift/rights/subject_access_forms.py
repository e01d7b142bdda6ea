from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fremdrift.core.forms import DesignSystemForm


class SubjectAccessForm(DesignSystemForm):
    """Why the export is made: a purpose from the list, and a few words where the list does
    not say it (as for showing the CPR number)."""

    OTHER = "other"
    PURPOSES = [
        ("citizen_request", gettext_lazy("The citizen asked for their data (GDPR article 15)")),
        (
            "representative",
            gettext_lazy("The citizen's representative asked, with a power of attorney"),
        ),
        ("complaint", gettext_lazy("A complaint, or a question from the Data Protection Agency")),
        (OTHER, gettext_lazy("Other (write why)")),
    ]
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=[("", "—"), *PURPOSES])
    note = forms.CharField(label=gettext_lazy("Why (for 'Other')"), max_length=150, required=False)

    def clean(self):
        data = super().clean()
        if data.get("purpose") == self.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Write why the export is made."))
        return data

    def purpose_for_log(self) -> str:
        label = str(dict(self.PURPOSES)[self.cleaned_data["purpose"]])
        note = self.cleaned_data["note"].strip()
        reason = f"{label}: {note}" if note else label
        return _("Subject access: %(reason)s") % {"reason": reason}
