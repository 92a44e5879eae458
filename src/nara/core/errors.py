"""Domain errors. Domain code raises these; one handler at the edge maps them to RFC 9457 problem details
(JSON) or a friendly Swedish page (HTML) — see nara.app. A user never sees a stack trace."""

from __future__ import annotations

from typing import Any, ClassVar

from nara.core.i18n import t


class NaraError(Exception):
    """Base of every error a user may see. ``key`` names a message in the catalogue (nara.core.i18n).

    ``extra`` holds members the problem details carry besides the standard ones (e.g. why access was denied);
    ``headers`` the response headers the answer needs (Retry-After, WWW-Authenticate). A subclass fills them
    in its own ``__init__``; the edge (nara.web.problems) puts them on the response."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"
    default_headers: ClassVar[dict[str, str]] = {}  # headers every answer of this kind carries
    key: str
    params: dict[str, Any]
    extra: dict[str, Any]
    headers: dict[str, str]

    def __init__(self, key: str, /, *, extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                 **params: Any) -> None:
        self.key = key
        self.params = params
        self.extra = dict(extra or {})
        self.headers = {**self.default_headers, **(headers or {})}
        super().__init__(key)

    @property
    def message(self) -> str:
        return t(self.key, **self.params)


class NotFound(NaraError):
    status = 404
    code = "not-found"


class Forbidden(NaraError):
    status = 403
    code = "forbidden"


class Unauthenticated(NaraError):
    status = 401
    code = "unauthenticated"


class Conflict(NaraError):
    status = 409
    code = "conflict"


class ValidationFailed(NaraError):
    status = 422
    code = "validation-failed"


class PreconditionFailed(NaraError):
    """412: a conditional write (If-Match) was based on a version that is no longer the current one."""

    status = 412
    code = "precondition-failed"


class PreconditionRequired(NaraError):
    """428: a write that must be conditional (If-Match) came without a condition (RFC 6585)."""

    status = 428
    code = "precondition-required"
