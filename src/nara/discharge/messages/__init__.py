"""The discharge part's Swedish texts (lag 2017:612, DOMAIN §4) as one ``MESSAGES`` mapping; the composition
(nara.parts) registers it in the catalogue. Split by who speaks: the rules (:mod:`.process`), the use cases, API
and follow-up feed (:mod:`.use_cases`), the pages (:mod:`.pages`)."""

from __future__ import annotations

from nara.discharge.messages import pages, process, use_cases

MESSAGES: dict[str, str] = {**process.MESSAGES, **use_cases.MESSAGES, **pages.MESSAGES}

__all__ = ["MESSAGES"]
