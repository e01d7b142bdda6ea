"""List items ("One of a list", "Several of a list") through the instrument editor: an
administrator enters the options one per line, `code | Danish | English`, sees them back the
same way, publishes, and the detail page lists them; a line or a list that does not fit is
refused on the item's field and nothing is saved.

`list_instrument` makes such an instrument through the pages; the assessments' and the API's
tests of list answers use it too."""

from django.urls import reverse

from fremdrift.instruments.forms import options_to_text, text_to_options
from fremdrift.instruments.models import Instrument, InstrumentVersion
from fremdrift.testing import signed_in

CODE = "wheel-lists"
MATCH_GROUP = [
    ["mg1", "Matchgruppe 1", "Match group 1"],
    ["mg2", "Matchgruppe 2", "Match group 2"],
    ["mg3", "Matchgruppe 3", ""],
]
REASONS = [
    ["health", "Helbred", "Health"],
    ["social", "Sociale forhold", "Social"],
    ["motivation", "Motivation", "Motivation"],
]
ORDINAL_CODES = ("health_for_work", "everyday_energy")


def _item(number: int, **fields) -> dict:
    return {f"items-{number}-{name}": value for name, value in fields.items()}


def _ordinal(number: int, code: str) -> dict:
    return _item(
        number,
        code=code,
        label_da=code[:20],
        text_da=f"Spørgsmål om {code}",
        scale_type="ordinal",
        scale_min="1",
        scale_max="10",
        point_labels="1 = Slet ikke\n10 = Helt",
    )


def editor_post(*, match_group: str, reasons: str, choice_scale: str = "choice") -> dict:
    """The editor's form: two ordinal items, a "choice" and a "choices" item, and the extra
    item left as the page shows it (the scale preselected, nothing else)."""
    data = {
        "items-TOTAL_FORMS": "5",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
        "respondents": ["caseworker", "joint"],
    }
    data.update(_ordinal(0, ORDINAL_CODES[0]))
    data.update(_ordinal(1, ORDINAL_CODES[1]))
    data.update(
        _item(
            2,
            code="match_group",
            label_da="Matchgruppe",
            label_en="Match group",
            text_da="Matchgruppe ved visitationen",
            scale_type=choice_scale,
            options=match_group,
        )
    )
    data.update(
        _item(
            3,
            code="reasons",
            label_da="Begrundelser",
            text_da="Begrundelser for matchgruppen",
            scale_type="choices",
            options=reasons,
            allows_dont_know="on",
        )
    )
    data.update(_item(4, scale_type="ordinal"))
    return data


MATCH_GROUP_TEXT = "mg1 | Matchgruppe 1 | Match group 1\nmg2 | Matchgruppe 2 | Match group 2\n"
MATCH_GROUP_TEXT += "  mg3|Matchgruppe 3  \n\n"
REASONS_TEXT = "health | Helbred | Health\nsocial | Sociale forhold | Social\n"
REASONS_TEXT += "motivation | Motivation | Motivation"


def list_instrument(client, administrator) -> InstrumentVersion:
    """A copy of the adult wheel whose items an administrator changed on the editor page to
    two ordinal items, a "choice" item (`match_group`) and a "choices" item (`reasons`), then
    published: its published version."""
    signed_in(client, administrator)
    adult = Instrument.objects.get(code="adult_wheel")
    copied = client.post(
        reverse("instruments:copy", args=[adult.pk]),
        {"code": CODE, "name_da": "Hjul med lister"},
    )
    instrument = Instrument.objects.get(code=CODE)
    assert copied.status_code == 302 and copied["Location"].endswith(f"/{instrument.pk}/edit/")
    saved = client.post(
        reverse("instruments:edit", args=[instrument.pk]),
        editor_post(match_group=MATCH_GROUP_TEXT, reasons=REASONS_TEXT),
    )
    assert saved.status_code == 302, saved.context["errors"]
    draft = instrument.versions.get(status="draft")
    published = client.post(reverse("instruments:publish", args=[instrument.pk, draft.pk]))
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    return draft


def test_an_administrator_makes_list_items_on_the_editor_page(world, client):
    version = list_instrument(client, world.administrator)
    items = {item.code: item for item in version.items.all()}
    assert list(items) == [*ORDINAL_CODES, "match_group", "reasons"]
    assert items["match_group"].scale_type == "choice"
    assert items["match_group"].options == MATCH_GROUP
    assert items["reasons"].scale_type == "choices"
    assert items["reasons"].options == REASONS and items["reasons"].allows_dont_know
    assert all(item.options == [] for code, item in items.items() if code in ORDINAL_CODES)

    # The detail page lists the options, in order.
    detail = client.get(reverse("instruments:detail", args=[version.instrument.pk]))
    html = detail.content.decode()
    listed = html[html.index('data-testid="options-match_group"') :]
    listed = listed[: listed.index("</ul>")]
    assert listed.index("Matchgruppe 1") < listed.index("Matchgruppe 2") < listed.index("(mg3)")
    assert 'data-testid="options-reasons"' in html

    # The editor shows them back as they are written.
    form = client.get(reverse("instruments:edit", args=[version.instrument.pk]))
    shown = {f["code"].value(): f["options"].value() for f in form.context["formset"].forms[:4]}
    assert shown["match_group"] == (
        "mg1 | Matchgruppe 1 | Match group 1\nmg2 | Matchgruppe 2 | Match group 2\n"
        "mg3 | Matchgruppe 3"
    )
    assert text_to_options(shown["reasons"]) == REASONS
    assert shown[ORDINAL_CODES[0]] == ""


def test_the_options_text_reads_back_as_written():
    assert text_to_options(options_to_text(MATCH_GROUP)) == MATCH_GROUP
    assert text_to_options("a | A | The A | with a bar") == [["a", "A", "The A | with a bar"]]


def _refused(client, instrument, data, field_number: int) -> list[str]:
    """Posts the editor; asserts the answer is the form again with an error on the options
    of item `field_number` (0-based) and in the summary naming that item; answers the
    messages."""
    response = client.post(reverse("instruments:edit", args=[instrument.pk]), data)
    assert response.status_code == 400
    form = response.context["formset"].forms[field_number]
    assert list(form.errors) == ["options"]
    summary = response.context["errors"]
    assert summary and all(
        line["text"].startswith(f"Item {field_number + 1}, ")
        or line["text"].startswith(f"Spørgsmål {field_number + 1}")
        for line in summary
    ), summary
    html = response.content.decode()
    assert f'id="id_items-{field_number}-options-error"' in html
    # The error summary at the top links to the item's field.
    assert "data-error-summary" in html
    assert f'href="#id_items-{field_number}-options"' in html
    return form.errors["options"]


def test_options_that_do_not_fit_are_refused_on_the_items_field_and_nothing_is_saved(world, client):
    version = list_instrument(client, world.administrator)
    instrument = version.instrument
    versions_before = list(instrument.versions.values_list("pk", "status"))

    # A line without its separator.
    messages = _refused(
        client,
        instrument,
        editor_post(match_group="mg1 | Matchgruppe 1\nmg2 Matchgruppe 2", reasons=REASONS_TEXT),
        2,
    )
    assert "Linje 2" in messages[0]
    # One option is not a list.
    _refused(client, instrument, editor_post(match_group="mg1 | Én", reasons=REASONS_TEXT), 2)
    # A code twice, and a code with a space.
    messages = _refused(
        client,
        instrument,
        editor_post(
            match_group=MATCH_GROUP_TEXT, reasons="a | A\na | B\nb c | C", choice_scale="choice"
        ),
        3,
    )
    assert len(messages) == 2
    # Options on an ordinal item.
    _refused(
        client,
        instrument,
        editor_post(match_group=MATCH_GROUP_TEXT, reasons=REASONS_TEXT, choice_scale="ordinal"),
        2,
    )
    # A list item without options.
    _refused(client, instrument, editor_post(match_group="", reasons=REASONS_TEXT), 2)

    assert list(instrument.versions.values_list("pk", "status")) == versions_before
    assert not instrument.versions.filter(status="draft").exists()


def test_a_change_the_service_refuses_leaves_no_draft_behind(world, client):
    version = list_instrument(client, world.administrator)
    instrument = version.instrument
    data = editor_post(match_group=MATCH_GROUP_TEXT, reasons=REASONS_TEXT)
    data["items-3-code"] = "match_group"  # two items with one code
    response = client.post(reverse("instruments:edit", args=[instrument.pk]), data)
    assert response.status_code == 400
    refusal = response.context["version_form"].non_field_errors()
    assert any("match_group" in line for line in refusal)
    assert "data-error-summary" in response.content.decode()
    assert list(instrument.versions.values_list("status", flat=True)) == ["published"]
