"""Swedish texts of the audit log (loggning, HSLF-FS 2016:40 4 kap., DOMAIN.md §5) and its signed checkpoints
(kontrollpunkter); composition registers them in the one catalogue."""

from __future__ import annotations

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
    # the four ways to rewind a log that a hash chain alone does not reveal (DOMAIN §5)
    "audit.attack.log_emptied": (
        "Loggen har tömts: {missing} saknas – alla poster är borttagna, fast den signerade kontrollpunkten "
        "nummer {number} ({at}) visar att loggen hade minst {seq} poster."
    ),
    "audit.attack.tail_cut": (
        "Loggens slut har klippts bort: {missing} saknas i slutet av kedjan – borttagna i efterhand. Kedjans "
        "huvud anger post {head_seq} som den sista."
    ),
    "audit.attack.head_rewound": (
        "Kedjans huvud har flyttats tillbaka till post {head_seq}, fast den signerade kontrollpunkten nummer "
        "{number} ({at}) visar att loggen hade minst {seq} poster. {after} ligger kvar efter huvudet."
    ),
    "audit.attack.head_rewound_and_cut": (
        "Kedjans huvud har flyttats tillbaka till post {head_seq} och {missing} har tagits bort, fast den "
        "signerade kontrollpunkten nummer {number} ({at}) visar att loggen hade minst {seq} poster."
    ),
    "audit.attack.chain_rehashed": (
        "Loggkedjan har räknats om i efterhand: post {seq} har inte den kontrollsumma som den signerade "
        "kontrollpunkten nummer {number} ({at}) anger, fast kedjan hänger ihop. Någon av {edited} har ändrats "
        "och kontrollsummorna därefter räknats om."
    ),
    "audit.attack.anchor_altered": (
        "Loggkedjan är bruten vid post {seq}: posten har ändrats i efterhand – innehållet stämmer inte med den "
        "kontrollsumma som den signerade kontrollpunkten anger."
    ),
    # the checkpoint file
    "audit.checkpoint.unreadable": "Kontrollpunktsfilen är skadad: rad {line} är ingen kontrollpunkt.",
    "audit.checkpoint.unreadable_last": "Kontrollpunktsfilen är skadad: sista raden är ingen kontrollpunkt.",
    "audit.checkpoint.removed": (
        "Kontrollpunktsfilen saknar kontrollpunkt {missing} (före rad {line}) – rader har tagits bort."
    ),
    "audit.checkpoint.altered": (
        "Kontrollpunktsfilen har ändrats: rad {line} är inte den som signerades (signaturen eller länken till "
        "raden före stämmer inte)."
    ),
    "audit.checkpoint.foreign_key": (
        "Kontrollpunktsfilens rad {line} är signerad med en annan nyckel (id {key}) än den som kontrollen "
        "använder (id {ours}). Fel nyckel är angiven, eller så har raden skrivits av någon annan."
    ),
    # verify
    "audit.checkpoint.verified": (
        "{chain} Loggen stämmer med {count} signerade kontrollpunkter; den senaste, nummer {number} ({at}), "
        "gäller post {seq}."
    ),
    "audit.checkpoint.verified_from": (
        "Loggkedjan är obruten från den signerade kontrollpunkten nummer {number} ({at}) vid post {seq}: "
        "{checked} poster kontrollerade därefter, till och med post {head_seq}."
    ),
    "audit.checkpoint.none": (
        "{chain} Obs: inga signerade kontrollpunkter finns ännu, så att loggens senaste poster inte tagits "
        "bort kan inte styrkas. Skriv en med: nara audit checkpoint"
    ),
    "audit.checkpoint.progress_from": "Kontrollerar loggkedjan från senaste kontrollpunkten",
    # writing one
    "audit.checkpoint.written": (
        "Kontrollpunkt nummer {number} skriven: post {seq}, kontrollsumma {hash}. Fil: {path}"
    ),
    "audit.checkpoint.nothing_new": (
        "Inga nya poster sedan kontrollpunkt nummer {number} (post {seq}); ingen ny kontrollpunkt skrevs."
    ),
    "audit.checkpoint.empty_log": "Loggen är tom; det finns ingen post att skriva en kontrollpunkt för.",
    "audit.checkpoint.refused": (
        "Ingen kontrollpunkt skrevs, eftersom loggen inte klarar kontrollen: {reason}"
    ),
    # the key
    "audit.key.missing": (
        "Signeringsnyckeln för loggens kontrollpunkter saknas ({path}). Skapa den med: nara audit keygen "
        "--out {path} och ange sökvägen i NARA_AUDIT_SIGNING_KEY. Förvara nyckeln utanför databasen."
    ),
    "audit.key.missing_production": (
        "Produktionsläget startar inte utan signeringsnyckel för loggens kontrollpunkter. Skapa en med: "
        "nara audit keygen --out /säker/plats/audit-signing-key.pem och ange sökvägen i NARA_AUDIT_SIGNING_KEY "
        "(nyckeln ska inte ligga där databasen ligger)."
    ),
    "audit.key.unreadable": "Nyckelfilen {path} kan inte läsas som en Ed25519-nyckel.",
    "audit.key.exists": "Nyckelfilen {path} finns redan; den skrivs inte över.",
    "audit.key.created": (
        "Signeringsnyckel skapad: {path} (nyckel-id {key_id}). Den publika nyckeln: {public}. Ange "
        "NARA_AUDIT_SIGNING_KEY={path} och förvara nyckeln där databasens administratörer inte kommer åt den."
    ),
    "audit.checkpoint.file_unusable": "Kontrollpunktsfilen {path} kan inte läsas eller skrivas.",
}
