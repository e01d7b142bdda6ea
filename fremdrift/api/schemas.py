from ninja import Schema


class Problem(Schema):
    """An error: a message, or for a body of the wrong shape a list naming each field."""

    detail: str | list


def errors(*codes: int) -> dict:
    """The error answers every operation can give: 401 without a valid token, 422 for a
    request of the wrong shape, and the codes listed."""
    return dict.fromkeys((401, 422, *codes), Problem)
