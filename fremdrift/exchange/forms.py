from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm


class PackageUploadForm(DesignSystemForm):
    package = forms.FileField(
        label=_("Exchange package (ZIP)"),
        help_text=_("A ZIP file with manifest.json and the CSV files, as described in the format."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the package; write nothing"), required=False, initial=True
    )
