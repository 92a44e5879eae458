"""The one message catalogue: every text a person reads goes through ``t``. Swedish is the product language.

The catalogue starts with the texts below (sign-in and generic errors); every part keeps its own texts in its
``messages`` module and the composition registers them once at start (nara.parts.load_catalogue), not by
import side effect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SV: dict[str, str] = {
    # auth
    "auth.required": "Du behöver logga in.",
    "auth.bad_credentials": "Fel användarnamn eller lösenord.",
    "auth.locked": "För många misslyckade försök. Försök igen om {minutes} minuter.",
    "auth.forbidden": "Du har inte behörighet till det här.",
    "auth.csrf": "Formuläret har gått ut. Ladda om sidan och försök igen.",
    "auth.session_expired": "Du har varit inaktiv för länge och har loggats ut.",
    "auth.demo_in_production": (
        "Demokonton finns i databasen. Produktionsläget startar inte förrän de är borttagna."
    ),
    # conditional writes (nara.core.conditional)
    "http.if_match.missing": "Ange vilken version du utgår från (If-Match med en ETag).",
    "http.if_match.malformed": (
        'If-Match kunde inte läsas. Ange en eller flera ETaggar inom citattecken, t.ex. "12-3", åtskilda med '
        "kommatecken, eller *."
    ),
    # generic
    "error.not_found": "Sidan eller resursen finns inte.",
    "error.internal": "Något gick fel hos oss. Felet är loggat. Försök igen om en stund.",
    "error.validation": "Uppgifterna är inte giltiga.",
    "error.method": "Metoden stöds inte här.",
    "db.unavailable": "Databasen svarar inte.",
}


def t(key: str, /, **params: Any) -> str:
    """Look up ``key`` and fill in ``params``. An unknown key is a bug: fail loudly in tests, not silently."""
    text = SV[key]
    return text.format(**params) if params else text


def register(messages: Mapping[str, str]) -> None:
    """Add a part's texts to the catalogue. The same key with another text is a bug, so it fails loudly;
    registering the same texts again changes nothing."""
    for key, text in messages.items():
        if SV.setdefault(key, text) != text:
            raise RuntimeError(f"message key {key!r} is defined twice with different texts")
