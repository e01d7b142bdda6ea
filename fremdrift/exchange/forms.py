from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm


class PackageUploadForm(DesignSystemForm):
    """Step 1: the package to check. Step 2 imports the file checked, kept on the server."""

    package = forms.FileField(
        label=_("Exchange package (ZIP)"),
        help_text=_("A ZIP file with manifest.json and the CSV files, as described in the format."),
    )
