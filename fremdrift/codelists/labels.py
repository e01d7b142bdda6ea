"""How a code of a two-level list (the exit reasons) is named wherever it is shown."""


def two_level_label(code) -> str:
    """ "Parent: child", or just the child when it has no parent or repeats the parent's
    label ("Andet", not "Andet: Andet")."""
    if code is None:
        return ""
    parent = getattr(code, "parent", None)
    if parent is None or parent.label.strip().casefold() == code.label.strip().casefold():
        return code.label
    return f"{parent.label}: {code.label}"
