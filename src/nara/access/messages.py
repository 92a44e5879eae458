"""Swedish texts of the access part, merged into the one catalogue (nara.core.i18n.SV) on import."""

from __future__ import annotations

from nara.auth.messages import merge_messages
from nara.core.i18n import SV

MESSAGES: dict[str, str] = {
    # audit log (loggning, HSLF-FS 2016:40 4 kap., DOMAIN §5)
    "audit.unavailable": (
        "Åtkomstloggen kan inte skrivas, därför stoppas åtkomsten till personuppgifter. Kontakta systemförvaltningen."
    ),
    "audit.verify.progress": "Kontrollerar loggkedjan",
    "audit.verify.ok": "Loggkedjan är obruten: {checked} poster kontrollerade",
    "audit.verify.hash_mismatch": (
        "Loggkedjan är bruten vid post {seq} (id {entry_id}): posten har ändrats i efterhand – innehållet "
        "stämmer inte med postens kontrollsumma."
    ),
    "audit.verify.head_hash": (
        "Loggkedjan är bruten vid post {seq} (id {entry_id}): den sista posten är inte den som kedjans huvud "
        "pekar ut – posten har ändrats eller bytts ut."
    ),
    "audit.verify.seq_gap": (
        "Loggkedjan är bruten: {missing} saknas – borttagen i efterhand. Första posten efter luckan är "
        "post {seq} (id {entry_id})."
    ),
    "audit.verify.tail_removed": (
        "Loggkedjan är bruten: {missing} saknas i slutet av kedjan – borttagna i efterhand. Kedjans huvud "
        "anger post {head_seq} som den sista, men loggen slutar vid post {seq} (id {entry_id})."
    ),
    "audit.verify.tail_removed_all": (
        "Loggkedjan är bruten: {missing} saknas – loggen är tom fast kedjans huvud anger post {head_seq} som "
        "den sista."
    ),
    "audit.verify.seq_not_increasing": (
        "Loggkedjan är bruten vid post {seq} (id {entry_id}): posten har lagts in i efterhand – dess nummer "
        "passar inte i ordningen (post {expected_seq} väntades)."
    ),
    "audit.verify.beyond_head": (
        "Loggkedjan är bruten vid post {seq} (id {entry_id}): posten har lagts in i efterhand – den ligger efter "
        "kedjans huvud (post {head_seq})."
    ),
    "audit.verify.prev_link": (
        "Loggkedjan är bruten vid post {seq} (id {entry_id}): posten har lagts in i efterhand – den passar inte "
        "in i kedjan mellan posterna före och efter."
    ),
    "audit.verify.rehashed": (
        "Loggkedjan är bruten vid post {seq} (id {entry_id}): posten har ändrats i efterhand och fått en ny "
        "kontrollsumma – nästa post pekar inte längre på den."
    ),
    "audit.verify.head_missing": (
        "Loggkedjan är bruten: kedjans huvud saknas fast loggen innehåller poster (den första är post {seq}, "
        "id {entry_id})."
    ),
}

merge_messages(SV, MESSAGES)
