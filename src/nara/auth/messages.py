"""Swedish texts of the auth part, merged into the one catalogue (nara.core.i18n.SV) on import."""

from __future__ import annotations

from nara.core.i18n import SV

MESSAGES: dict[str, str] = {
    "auth.username_invalid": (
        "Användarnamnet får bara innehålla små bokstäver a–z, siffror, punkt, bindestreck och understreck "
        "(2–64 tecken)."
    ),
    "auth.username_taken": "Användarnamnet är redan upptaget.",
    "auth.password_too_short": "Lösenordet måste ha minst {length} tecken.",
    "auth.unit_not_assigned": "Du har inget aktivt uppdrag på den enheten.",
    "auth.no_unit": "Du har inget aktivt uppdrag på någon enhet. Kontakta din chef eller administratör.",
}


def merge_messages(catalogue: dict[str, str], messages: dict[str, str]) -> None:
    """Add ``messages`` to ``catalogue``; the same key with another text is a bug, so it fails loudly."""
    for key, text in messages.items():
        if catalogue.setdefault(key, text) != text:
            raise RuntimeError(f"message key {key!r} is defined twice with different texts")


merge_messages(SV, MESSAGES)
