"""The project's form layer: read HTML form fields, collect GOV.UK error messages, keep input.

Litestar's own validation answers with a JSON 400, which is no use to a person filling in a form,
so HTML forms are read here and re-rendered with an error summary and the field's message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

MIN_YEAR = 2000
MAX_YEAR = 2100


def _without_nul(value: Any) -> Any:
    """A typed value without the NUL character: invisible, and PostgreSQL cannot store it (K10)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


@dataclass
class Form:
    """The submitted values (kept, so nothing is lost on bad input) and the errors found."""

    data: Mapping[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    async def from_request(cls, request) -> Form:
        from tracker import submissions

        form = await request.form()
        data: dict[str, Any] = {}
        for key in form:
            values = [_without_nul(v) for v in form.getall(key)]
            data[key] = values if len(values) > 1 else values[0]
        token = data.pop(submissions.FIELD, "")
        if isinstance(token, str) and token:
            await submissions.claim(request, token, data)  # raises AlreadySubmitted on a repeat
        return cls(data)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def add_errors(self, errors: dict[str, str]) -> None:
        """An operation's refusals beside the form's own: every error shown at once."""
        for name, message in errors.items():
            self.error(name, message)

    def raw(self, name: str) -> str:
        value = self.data.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value).strip() if not hasattr(value, "filename") else ""

    def values(self, name: str) -> list[str]:
        """Every value of a multi-value field (checkboxes): a single tick arrives as a string."""
        value = self.data.get(name)
        if value is None or value == "":
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def text(self, name: str, label: str, *, required: bool = True, max_length: int = 2000) -> str:
        value = self.raw(name)
        if required and not value:
            self.error(name, f"Enter {label}")
        elif len(value) > max_length:
            self.error(name, f"{label[0].upper() + label[1:]} must be {max_length} characters or fewer")
        return value

    def choice(self, name: str, label: str, choices: Iterable[str], *, required: bool = True) -> str:
        value = self.raw(name)
        if not value:
            if required:
                self.error(name, f"Select {label}")
            return ""
        if value not in set(choices):
            self.error(name, f"Select {label} from the list")  # noqa: S608  # nosec B608 - not SQL
            return ""
        return value

    def integer(
        self,
        name: str,
        label: str,
        *,
        required: bool = True,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self.raw(name)
        if not value:
            if required:
                self.error(name, f"Enter {label}")
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(name, f"{label[0].upper() + label[1:]} must be a whole number")
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.error(name, f"{label[0].upper() + label[1:]} must be between {minimum} and {maximum}")
            return None
        return number

    def boolean(self, name: str) -> bool:
        return self.raw(name) in {"yes", "true", "on", "1"}

    def date(self, name: str, label: str, *, required: bool = True) -> date | None:
        """A GOV.UK date input: fields NAME-day, NAME-month, NAME-year."""
        parts = {p: self.raw(f"{name}-{p}") for p in ("day", "month", "year")}
        if not any(parts.values()):
            if required:
                self.error(name, f"Enter {label}")
            return None
        missing = [p for p in ("day", "month", "year") if not parts[p]]
        if missing:
            self.error(name, f"{label[0].upper() + label[1:]} must include a {' and '.join(missing)}")
            return None
        try:
            value = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (ValueError, OverflowError):  # OverflowError: a year beyond a C int
            self.error(name, f"{label[0].upper() + label[1:]} must be a real date")
            return None
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            self.error(name, f"{label[0].upper() + label[1:]} must be between {MIN_YEAR} and {MAX_YEAR}")
            return None
        return value


def date_parts(value: date | None) -> dict[str, str]:
    """Prefill a GOV.UK date input from a date."""
    if value is None:
        return {}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
