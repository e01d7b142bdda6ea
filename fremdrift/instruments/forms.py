from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm

from .models import NOMINAL_SCALES, Respondent, ScaleType
from .services import ItemSpec, options_problems


def labels_to_text(point_labels: dict) -> str:
    """{"1": ["Slet ikke", "Not at all"]} as the lines an administrator edits."""
    lines = []
    for value in sorted(point_labels, key=int):
        da, en = (point_labels[value] + ["", ""])[:2]
        lines.append(f"{value} = {da}" + (f" | {en}" if en else ""))
    return "\n".join(lines)


def text_to_labels(text: str) -> dict:
    labels = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value, sep, rest = line.partition("=")
        if not sep or not value.strip().lstrip("-").isdigit():
            raise ValidationError(
                _("Line %(line)d: write each point as '1 = Danish | English'.") % {"line": number}
            )
        da, _bar, en = rest.partition("|")
        labels[str(int(value))] = [da.strip(), en.strip()]
    return labels


def options_to_text(options: list) -> str:
    """[["mg1", "Matchgruppe 1", "Match group 1"]] as the lines an administrator edits."""
    lines = []
    for code, label_da, label_en in options:
        lines.append(f"{code} | {label_da}" + (f" | {label_en}" if label_en else ""))
    return "\n".join(lines)


def text_to_options(text: str) -> list[list[str]]:
    """The lines `code | Danish label | English label` (the English label may be left out) as
    the item's list of options, in the order written."""
    options = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code, sep, rest = line.partition("|")
        label_da, _bar, label_en = rest.partition("|")
        if not sep or not code.strip() or not label_da.strip():
            raise ValidationError(
                _("Line %(line)d: write each option as 'code | Danish | English'.")
                % {"line": number}
            )
        options.append([code.strip(), label_da.strip(), label_en.strip()])
    return options


class ItemForm(DesignSystemForm):
    code = forms.SlugField(label=_("Code"), max_length=60)
    label_da = forms.CharField(label=_("Short label (Danish)"), max_length=60)
    label_en = forms.CharField(label=_("Short label (English)"), max_length=60, required=False)
    text_da = forms.CharField(label=_("Question (Danish)"), max_length=300)
    text_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    help_da = forms.CharField(
        label=_("Help text (Danish)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scale_type = forms.ChoiceField(label=_("Scale"), choices=ScaleType.choices)
    scale_min = forms.IntegerField(label=_("Lowest point"), required=False)
    scale_max = forms.IntegerField(label=_("Highest point"), required=False)
    point_labels = forms.CharField(
        label=_("Labels of the points"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line per point: 1 = Danish | English"),
    )
    options = forms.CharField(
        label=_("Options of the list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For 'One of a list' and 'Several of a list': one line per option, "
            "code | Danish | English"
        ),
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    allows_dont_know = forms.BooleanField(label=_("Allows 'don't know'"), required=False)
    allows_not_relevant = forms.BooleanField(label=_("Allows 'not relevant'"), required=False)

    def has_changed(self) -> bool:
        """The empty item at the end is left out as the page shows it: a browser posts its
        preselected scale, which alone is no item."""
        return any(name != "scale_type" for name in self.changed_data)

    def clean_point_labels(self) -> dict:
        return text_to_labels(self.cleaned_data["point_labels"])

    def clean_options(self) -> list[list[str]]:
        return text_to_options(self.cleaned_data["options"])

    def clean(self) -> dict:
        data = super().clean()
        if "options" not in data or "scale_type" not in data:
            return data
        if data["scale_type"] in NOMINAL_SCALES:
            for problem in options_problems(data["options"]):
                self.add_error("options", problem[:1].upper() + problem[1:])
        elif data["options"]:
            self.add_error(
                "options",
                _("Only an item of the scale 'One of a list' or 'Several of a list' has options."),
            )
        return data

    def to_spec(self) -> ItemSpec:
        data = dict(self.cleaned_data)
        data.pop("DELETE", None)
        return ItemSpec(**data)


ItemFormSet = forms.formset_factory(ItemForm, extra=1, can_delete=True, max_num=40)


class VersionForm(DesignSystemForm):
    respondents = forms.MultipleChoiceField(
        label=_("Who may answer"),
        choices=Respondent.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class CopyForm(DesignSystemForm):
    code = forms.SlugField(label=_("Code of the copy"), max_length=60)
    name_da = forms.CharField(label=_("Name (Danish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)


class ReliabilityForm(DesignSystemForm):
    reliability = forms.FloatField(
        label=_("Reliability for the reliable change index"),
        required=False,
        help_text=_(
            "Between 0 and 1, for example 0.85 from a published study. Leave empty to let the "
            "reports estimate it from the data (Cronbach's alpha)."
        ),
    )
