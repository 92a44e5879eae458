"""Reading a posted form: the ``Posted`` dependency and :class:`FormReader`, which turns text fields into typed
values with one Swedish message per field and keeps what the person typed, so nothing is lost on an error. The
value types (nara.core.values) are the API's, so the page and the API accept the same things."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import TypeAdapter, ValidationError

from nara.core.clock import STOCKHOLM
from nara.core.i18n import t
from nara.core.ids import parse_id
from nara.core.values import Phone, ShortText, Text, VideoLink

MAX_FIELD = 4000  # characters kept of one posted field (the value types' limits are lower and say so in Swedish)
_TEXT = TypeAdapter(Text)
_SHORT = TypeAdapter(ShortText)
_PHONE = TypeAdapter(Phone)
_VIDEO = TypeAdapter(VideoLink)
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^\d{1,2}[:.]\d{2}$")


async def posted(request: Request) -> dict[str, str]:
    """The posted form's text fields (the CSRF middleware has checked the token and capped the size)."""
    form = await request.form()
    try:
        return {key: value for key, value in form.multi_items() if isinstance(value, str)}
    finally:
        await form.close()


Posted = Annotated[dict[str, str], Depends(posted)]


class FormReader:
    """A posted form read field by field. ``values`` keeps what the person typed (shown again on any error),
    ``errors`` one Swedish message per field, in the order the fields were read."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.values: dict[str, str] = {k: v[:MAX_FIELD] for k, v in data.items() if isinstance(v, str)}
        self.errors: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    def raw(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def fail(self, name: str, key: str, **params: Any) -> None:
        self.errors.setdefault(name, t(key, **params))

    def text(self, name: str, *, required: str | None = None, short: bool = False) -> str | None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, required)
            return None
        try:
            return (_SHORT if short else _TEXT).validate_python(value)
        except ValidationError:
            self.fail(name, "form.too_long", limit=200 if short else 2000)
            return None

    def flag(self, name: str) -> bool:
        return self.raw(name) in ("ja", "on", "1", "true")

    def choice(self, name: str, allowed: Iterable[str], *, required: str | None = None) -> str | None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, required)
            return None
        if value not in set(allowed):
            self.fail(name, "form.choose_from_list")
            return None
        return value

    def id(self, name: str) -> int | None:
        """An id chosen in a list; None when none (or something that is no id) was posted."""
        return parse_id(self.raw(name))

    def day(self, name: str, *, required: str | None = None) -> date | None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, required)
            return None
        parsed = parse_day(value)
        if parsed is None:
            self.fail(name, "form.day_invalid")
        return parsed

    def moment(self, day_name: str, time_name: str, *, required: str | None = None) -> datetime | None:
        """A date and a time of day in Swedish time, as one aware datetime."""
        day_value, time_value = self.raw(day_name), self.raw(time_name)
        if not day_value and not time_value:
            if required:
                self.fail(day_name, required)
            return None
        day = self.day(day_name, required="form.day_required")
        clock: time | None = None
        if not time_value:
            self.fail(time_name, "form.time_required")
        else:
            clock = parse_time(time_value)
            if clock is None:
                self.fail(time_name, "form.time_invalid")
        if day is None or clock is None:
            return None
        return datetime.combine(day, clock, tzinfo=STOCKHOLM)

    def phone(self, name: str) -> str | None:
        return self._typed(name, _PHONE, "form.phone_invalid")

    def video_link(self, name: str) -> str | None:
        return self._typed(name, _VIDEO, "form.link_invalid")

    def _typed(self, name: str, adapter: TypeAdapter[str], error: str) -> str | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return adapter.validate_python(value)
        except ValidationError:
            self.fail(name, error)
            return None


def parse_day(value: str) -> date | None:
    """``2026-12-03`` as a date within what both databases and date arithmetic hold; None otherwise."""
    if not _DAY_RE.match(value):
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if date(1900, 1, 1) <= parsed <= date(2199, 12, 31) else None


def parse_time(value: str) -> time | None:
    """``10:30`` or ``10.30`` as a time of day; None otherwise."""
    if not _TIME_RE.match(value):
        return None
    hours, minutes = (int(part) for part in re.split(r"[:.]", value))
    return time(hours, minutes) if hours < 24 and minutes < 60 else None
