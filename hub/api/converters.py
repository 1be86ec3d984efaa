"""Path converters: an id is a positive 64-bit integer, anything else is simply not found."""

from hub.limits import MAX_ID


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)  # the URL does not match: a JSON 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)
