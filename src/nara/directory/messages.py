"""Swedish texts of the directory: identifiers, HSA-id, persons, units, staff and regions (DOMAIN.md §8–9).

Registered by the composition (nara.parts), not on import."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # identifiers (DOMAIN.md §9)
    "identifier.empty": "Ange ett personnummer, samordningsnummer eller reservnummer.",
    "identifier.malformed": (
        "Numret har fel format. Skriv personnummer som ÅÅÅÅMMDD-NNNN, ÅÅMMDD-NNNN eller 12 siffror."
    ),
    "identifier.reserv_malformed": "Reservnumret har fel format: det ska vara 12 tecken, siffror och versaler.",
    "identifier.plus_with_century": (
        "Plustecken används bara i den 10-siffriga formen (ÅÅMMDD+NNNN) för personer som fyllt 100 år."
    ),
    "identifier.bad_date": "Datumdelen är inte ett verkligt datum. Kontrollera år, månad och dag.",
    "identifier.future_date": "Födelsedatumet ligger i framtiden.",
    "identifier.bad_check_digit": "Kontrollsiffran stämmer inte. Kontrollera att numret är rätt inskrivet.",
    "identifier.not_personnummer": "Numret är inte ett personnummer.",
    "identifier.not_samordningsnummer": "Numret är inte ett samordningsnummer.",
    "identifier.not_reservnummer": "Numret är inte ett reservnummer.",
    "hsa.malformed": "HSA-id har fel format (till exempel SE2321000131-P000000123457).",
    "person.not_found": "Ingen person med det numret finns i katalogen.",
    # a look-up's one answer for "no such number" and "not allowed" alike (nara.directory.service.LOOKUP_NOT_FOUND)
    "person.lookup.not_found": "Ingen person med det numret finns bland dem du har åtkomst till.",
    "unit.not_found": "Enheten finns inte.",
    "staff.not_found": "Medarbetaren finns inte.",
    "region.unknown": "Okänd region: {name}.",
}
