"""An organisation's own codes in an exchange package (`codes.csv`), read after the staff and
before every file that names a code, so that a package's rows may use the codes it brings.
`CodeFilesCheck` is the first pass, `CodeFilesWrite` the second; each is mixed into the
package's check and write.

A row is found by its code list, group and code within the importing organisation: a code of
the installation's defaults is left as it is (the code is there already), one of the
organisation's own codes gets the row's labels, order and active flag, and a new one is added
through `codeadmin.services.code_add`, with the same checks as the administrators' page."""

from django.db.models import Q
from django.utils.translation import gettext as _

from fremdrift.codeadmin import services as code_services
from fremdrift.codelists.models import TWO_LEVEL, Code, CodeList

from . import format as fmt
from .people_files import active_flag

Key = tuple[str, str, str]  # (code list, group code or '', code)


def _existing(organisation) -> dict[Key, Code]:
    """The defaults and the organisation's own codes, retired ones too, by key."""
    return {
        (c.code_list, c.parent.code if c.parent_id else "", c.code): c
        for c in Code.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=organisation)
        ).select_related("parent")
    }


def _group(code_list: str, parent: str) -> Code | None:
    if not parent:
        return None
    return Code.objects.filter(
        code_list=code_list, code=parent, parent=None, organisation=None
    ).first()


class CodeFilesCheck:
    """Mixed into check.PackageCheck: `error`, `read`, `parsed`, `lookups` and `organisation`
    come from there. The codes a package adds are kept in `package_codes`, which the plan
    files' check reads with the codes in Fremdrift."""

    def code_files(self) -> None:
        self.package_codes: dict[Key, Code] = {}
        existing = _existing(self.organisation)
        seen: set[Key] = set()
        for row in self.read(fmt.CODES):
            self.code_row(row, existing, seen)

    def code_row(self, row: fmt.Row, existing: dict[Key, Code], seen: set[Key]) -> None:
        spec = fmt.CODES
        values = row.values
        key = (values["code_list"], values["parent"], values["code"])
        if key in seen:
            self.error(spec, row.line, "code", _("The code has two rows."))
            return
        seen.add(key)
        if values["organisation"] and values["organisation"] != self.organisation.name:
            self.error(
                spec,
                row.line,
                "organisation",
                _("Own codes are imported into %(organisation)s only.")
                % {"organisation": self.organisation.name},
            )
            return
        order = self.parsed(spec, row, "sort_order", int)
        active = self.parsed(spec, row, "active", active_flag)
        active = True if active is None else active
        found = existing.get(key)
        if found is not None:
            if found.organisation_id is not None:
                for column in ("label_da", "label_en"):
                    if not values[column].strip():
                        self.error(spec, row.line, column, _("This field is required."))
            self.known(key, found, active if found.organisation_id else found.is_active)
            return
        parent = _group(values["code_list"], values["parent"])
        if values["parent"] and parent is None and values["code_list"] in TWO_LEVEL:
            self.error(spec, row.line, "parent", _("The group is not a group of this code list."))
            return
        errors = code_services.code_errors(
            organisation=self.organisation,
            code_list=values["code_list"],
            code=values["code"],
            label_da=values["label_da"],
            label_en=values["label_en"],
            sort_order=order if order is not None else 0,
            parent=parent if values["parent"] else None,
        )
        if values["parent"] and values["code_list"] not in TWO_LEVEL:
            errors.setdefault("parent", _("This code list has one level: a code has no group."))
        for column, message in errors.items():
            self.error(spec, row.line, column if column in spec.columns else "code", message)
        if errors:
            return
        # As the rows after this one will find the code once it is written.
        code = Code(
            organisation=self.organisation,
            code_list=values["code_list"],
            code=values["code"],
            parent=parent,
            is_active=active,
        )
        self.known(key, code, active)

    def known(self, key: Key, code: Code, active: bool) -> None:
        """The code as the rest of the package's check sees it: chosen only while active."""
        code_list, parent, text = key
        if not active:
            self.package_codes.pop(key, None)
            if code_list == CodeList.TARGET_GROUP and not parent:
                self.lookups.target_groups.pop(text, None)
            return
        self.package_codes[key] = code
        if code_list == CodeList.TARGET_GROUP and not parent:
            self.lookups.target_groups[text] = code
        elif code_list == CodeList.EXIT_REASON and parent:
            self.lookups.exit_reasons.setdefault(text, code)


class CodeFilesWrite:
    """Mixed into services._PackageWrite: `actor`, `rows`, `write_rows`, `counts` and
    `reload_lookups` come from there."""

    def code_files(self) -> None:
        self.write_rows(fmt.CODES, self.code_row)
        self.reload_lookups()

    def code_row(self, row: fmt.Row) -> None:
        values = row.values
        organisation = self.actor.organisation
        existing = Code.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=organisation),
            code_list=values["code_list"],
            code=values["code"],
        )
        if values["parent"]:
            existing = existing.filter(parent__code=values["parent"], parent__organisation=None)
        else:
            existing = existing.filter(parent=None)
        existing = existing.first()
        active = active_flag(values["active"])
        order = int(values["sort_order"]) if values["sort_order"] else 0
        if existing is not None and existing.organisation_id is None:
            self.counts["code"]["unchanged"] += 1
            return
        if existing is None:
            code = code_services.code_add(
                actor=self.actor,
                organisation=organisation,
                code_list=values["code_list"],
                code=values["code"],
                label_da=values["label_da"],
                label_en=values["label_en"],
                sort_order=order,
                parent=_group(values["code_list"], values["parent"]),
            )
            if not active:
                code_services.code_retire(actor=self.actor, code=code)
            self.counts["code"]["created"] += 1
            return
        before = (existing.label_da, existing.label_en, existing.sort_order, existing.is_active)
        code = code_services.code_rename(
            actor=self.actor,
            code=existing,
            label_da=values["label_da"],
            label_en=values["label_en"],
            sort_order=order,
        )
        if active != code.is_active:
            change = code_services.code_reactivate if active else code_services.code_retire
            code = change(actor=self.actor, code=code)
        after = (code.label_da, code.label_en, code.sort_order, code.is_active)
        self.counts["code"]["updated" if after != before else "unchanged"] += 1


def export_code_files(write) -> None:
    """Writes every organisation's own codes (the defaults are every installation's)."""
    write(
        fmt.CODES,
        (
            {
                "organisation": code.organisation.name,
                "code_list": code.code_list,
                "code": code.code,
                "parent": code.parent.code if code.parent_id else "",
                "label_da": code.label_da,
                "label_en": code.label_en,
                "sort_order": code.sort_order,
                "active": code.is_active,
            }
            for code in Code.objects.filter(organisation__isnull=False)
            .select_related("organisation", "parent")
            .order_by("organisation__name", "code_list", "parent__code", "sort_order", "code")
        ),
    )
