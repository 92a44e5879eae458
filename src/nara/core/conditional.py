"""Conditional writes: the ``If-Match`` header (RFC 9110 §13.1.1), parsed in one place for every route that
needs it.

    condition = parse_if_match(request_header_values, missing="plans.precondition_required")
    if not condition.matches(current_etag):  # the stored version's strong tag, quotes included
        raise PreconditionFailed(...)  # 412

- a list of entity tags matches when any of them does (``"3-4", "3-5"``);
- ``*`` matches whatever representation is current (not one that does not exist: the route answers 404 first);
- comparison is *strong*: a weak tag (``W/"3-4"``) never matches, since it does not promise the same bytes;
- no header, or one with no entity tag in it, is 428 (a write here must be conditional, RFC 6585);
- anything else that does not follow the grammar is 400 with a Swedish problem detail.

The grammar (RFC 9110 §5.6.1, §8.8.3): ``If-Match = "*" / #entity-tag``, ``entity-tag = [ "W/" ] opaque-tag``,
``opaque-tag = DQUOTE *etagc DQUOTE`` with ``etagc`` any visible character but ``"`` (and obs-text); list elements
are separated by commas with optional whitespace, and empty elements are ignored. Several header lines are one
list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nara.core.errors import NaraError, PreconditionRequired

MAX_IF_MATCH_LENGTH = 2000
"""Longer is refused as malformed: a client names a handful of versions, not thousands."""

_ELEMENT = re.compile(r'(W/)?("[\x21\x23-\x7e\x80-\xff]*")')


class MalformedIfMatch(NaraError):
    """400: an If-Match header that does not follow RFC 9110's grammar."""

    status = 400
    code = "malformed-if-match"


@dataclass(frozen=True, slots=True)
class IfMatch:
    """A parsed If-Match: ``any`` for ``*``; else the strong tags (``'"3-4"'``, quotes included) and, kept apart
    because they never match, the weak ones (without their ``W/``)."""

    any: bool = False
    tags: tuple[str, ...] = ()
    weak_tags: tuple[str, ...] = ()

    def matches(self, current: str | None) -> bool:
        """Strong comparison with ``current``, the current representation's strong entity tag (quotes included);
        ``None`` when there is no current representation, which nothing matches, ``*`` included."""
        if current is None:
            return False
        return self.any or current in self.tags


def parse_if_match(values: str | Sequence[str] | None, *, missing: str = "http.if_match.missing") -> IfMatch:
    """Parse the If-Match header (one value, or every line of a repeated header). Raises
    :class:`PreconditionRequired` (428, message ``missing``) when there is no entity tag at all, and
    :class:`MalformedIfMatch` (400) when the value does not follow the grammar."""
    lines = [values] if isinstance(values, str) else list(values or ())
    text = ", ".join(lines)
    if len(text) > MAX_IF_MATCH_LENGTH:
        raise MalformedIfMatch("http.if_match.malformed")
    elements = [element.strip(" \t") for element in _split(text)]
    elements = [element for element in elements if element]
    if not elements:
        raise PreconditionRequired(missing)
    if "*" in elements:
        if len(elements) > 1:  # "*" stands alone: it is not an element of a list
            raise MalformedIfMatch("http.if_match.malformed")
        return IfMatch(any=True)
    strong: list[str] = []
    weak: list[str] = []
    for element in elements:
        match = _ELEMENT.fullmatch(element)
        if match is None:
            raise MalformedIfMatch("http.if_match.malformed")
        (weak if match.group(1) else strong).append(match.group(2))
    return IfMatch(tags=tuple(dict.fromkeys(strong)), weak_tags=tuple(dict.fromkeys(weak)))


def _split(text: str) -> list[str]:
    """Split a list on the commas outside quoted strings (an opaque tag may hold a comma)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if quoted:  # an opening quote never closed
        raise MalformedIfMatch("http.if_match.malformed")
    parts.append("".join(current))
    return parts
