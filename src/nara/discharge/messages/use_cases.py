"""Swedish texts of the discharge service, API and follow-up feed (nara.discharge.service, .api). The pure
rules' texts are in :mod:`.process`."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # errors of the use cases
    "discharge.not_found": "Utskrivningsprocessen finns inte.",
    "discharge.concurrent": "Processen ändrades samtidigt av någon annan. Ladda om och försök igen.",
    "discharge.ward_only": "Det här steget registreras av vårdavdelningen som vårdar patienten.",
    "discharge.outpatient_only": (
        "Det här steget registreras av den öppna vården (vårdcentralen) som tar emot patienten."
    ),
    "discharge.receiver_only": "Bara de enheter som tar emot meddelanden i processen kan kvittera.",
    "discharge.staff_only": "Bara personal som arbetar för en enhet kan göra det här.",
    "discharge.no_receivers": (
        "Inga mottagare hittades i katalogen (vårdcentral genom listning, kommunens hemsjukvård, hemtjänst och "
        "biståndshandläggning). Ange mottagarna."
    ),
    "discharge.receiver.kind": "{unit} kan inte vara mottagare i en utskrivningsprocess.",
    "discharge.receiver.not_found": "Mottagaren {unit} finns inte i katalogen.",
    "discharge.receiver.already": "{unit} är redan mottagare i processen.",
    "discharge.time.future": "Tidpunkten kan inte ligga i framtiden.",
    "discharge.time.too_early": "Tidpunkten ligger för långt tillbaka (högst {days} dagar).",
    "discharge.sip.in_past": "SIP-mötet kan inte ligga i det förflutna.",
    "discharge.sip.invalid": "Uppgifterna om SIP-mötet är inte giltiga (plats högst 200 tecken, videolänk med https).",
    "discharge.sip.no_receivers": "Det finns ingen annan mottagare att kalla till SIP.",
    "discharge.care_contact.not_staff": "Den fasta vårdkontakten måste vara medarbetare på din enhet.",
    "discharge.note.too_long": "Texten får vara högst {length} tecken.",
    "discharge.message.unknown": "Meddelandet {message} finns inte i processen.",
    "discharge.nothing_to_acknowledge": "Din enhet har inga okvitterade meddelanden i processen.",
    "discharge.payment.forbidden": (
        "Betalningsansvaret visas för personal hos kommunen och regionen som avräkningen gäller."
    ),
    "discharge.payment.no_agreement": "Det finns ingen överenskommelse om utskrivning som gäller för {month}.",
    "discharge.payment.amount_unknown": (
        "Betalningsansvaret för {month} kan inte beräknas: beloppet per dag för {year} är inte känt. "
        "Socialstyrelsens belopp för {year} finns inte i plattformens tabell över belopp, och överenskommelsen "
        "({agreement}) anger inget eget belopp för {year}. Rapporten räknar aldrig med ett annat års belopp. "
        "Beloppet läggs in av den som förvaltar överenskommelserna när det är känt."
    ),
    "discharge.municipality.not_found": "Kommunen {code} finns inte i katalogen.",
    "discharge.month.invalid": "Ange månaden som ÅÅÅÅ-MM.",
    "discharge.followup.bad_dates": "Ange datum som ÅÅÅÅ-MM-DD, och --from före eller lika med --to.",
    # labels
    "discharge.kind.admission_notice": "Inskrivningsmeddelande",
    "discharge.kind.discharge_estimate": "Ändrat beräknat utskrivningsdatum",
    "discharge.kind.planning_documentation": "Planeringsunderlag",
    "discharge.kind.ready_notice": "Underrättelse om utskrivningsklar",
    "discharge.kind.not_ready_notice": "Inte längre utskrivningsklar",
    "discharge.kind.sip_invitation": "Kallelse till SIP",
    "discharge.kind.information_transfer": "Informationsöverföring",
    "discharge.kind.cancellation": "Processen makulerad",
    "discharge.kind.interruption": "Processen avbruten",
    "discharge.role.ward": "Vårdavdelning",
    "discharge.role.vardcentral": "Vårdcentral (fast vårdkontakt)",
    "discharge.role.other_outpatient": "Annan öppen vård i regionen",
    "discharge.role.hemsjukvard": "Hemsjukvård",
    "discharge.role.hemtjanst": "Hemtjänst",
    "discharge.role.bistandshandlaggning": "Biståndshandläggning",
    "discharge.role.other_municipal": "Annan kommunal verksamhet",
    "discharge.party.ward": "Vårdavdelningen",
    "discharge.party.outpatient": "Öppen vård",
    "discharge.interruption.died": "Patienten avled",
    "discharge.interruption.transferred": "Patienten flyttades till annan slutenvård",
    "discharge.payment.pseudonym": "Process {process} (personuppgifter visas inte)",
    # notifications (no person data to units: what kind of thing happened in which process, by whom)
    "discharge.notify.message": "{what} i utskrivningsprocess {process} från {by}.",
    "discharge.notify.care_contact": "Fast vårdkontakt utsedd i utskrivningsprocess {process} av {by}.",
    "discharge.notify.discharged": "Patienten i utskrivningsprocess {process} är utskriven ({by}).",
    "discharge.notify.escalated_ack": "Meddelande i utskrivningsprocess {process} saknar kvittens sedan {since}.",
    "discharge.notify.overdue": "{step} i utskrivningsprocess {process} är försenad (skulle vara klar {due}).",
    "discharge.notify.resident_informed": (
        "Du är utskriven från {ward}. Din fasta vårdkontakt: {care_contact}. SIP-möte: {sip}."
    ),
    "discharge.notify.none": "ingen ännu",
}
