"""Swedish texts of the person pages and the person API (DOMAIN §5), merged into the one catalogue on import."""

from __future__ import annotations

from nara.auth.messages import merge_messages
from nara.core.i18n import SV

MESSAGES: dict[str, str] = {
    "web.nav.personer": "Personer",
    "person.search.title": "Sök person",
    "person.search.intro": (
        "Sök på personnummer, samordningsnummer eller reservnummer. Allt du öppnar loggas, och du ser bara "
        "personer som din enhet har en vårdrelation med."
    ),
    "person.search.label": "Personnummer",
    "person.search.hint": "Till exempel 19121212-1212",
    "person.search.submit": "Sök",
    "person.basic": "Grunduppgifter",
    "person.identifier": "Identitetsnummer",
    "person.sex": "Kön",
    "person.sex.M": "Man",
    "person.sex.F": "Kvinna",
    "person.birth_date": "Födelsedatum",
    "person.death_date": "Avliden",
    "person.kommun": "Folkbokföringskommun",
    "person.address": "Adress",
    "person.phone": "Telefon",
    "person.listing": "Listning och fast läkarkontakt",
    "person.listed_at": "Listad på",
    "person.fast_lakare": "Fast läkarkontakt",
    "person.no_listing": "Personen är inte listad på någon vårdcentral.",
    "person.sabo": "Särskilt boende",
    "person.relatives": "Närstående",
    "person.no_relatives": "Inga närstående är registrerade.",
    "person.relative_kind.make_maka": "Make/maka",
    "person.relative_kind.sambo": "Sambo",
    "person.relative_kind.barn": "Barn",
    "person.relative_kind.foralder": "Förälder",
    "person.relative_kind.syskon": "Syskon",
    "person.relative_kind.god_man": "God man",
    "person.relative_kind.annan": "Annan närstående",
    "person.blocked_title": "Spärrad information",
    "person.emergency_banner": "Nödåtkomst aktiv till {until} – åtkomsten granskas.",
    "person.emergency_reason": "Skäl: {reason}",
    "person.information": "Information från vårdgivare",
    "person.information_intro": (
        "Varje vårdgivare dokumenterar i sin egen journal. Andra vårdgivares information kräver personens "
        "samtycke."
    ),
    "person.information_empty": "Inga uppgifter är registrerade här ännu.",
    "person.information_from": "{category} från {provider}",
    "person.to_person": "Tillbaka till personen",
    "person.access_link": "Samtycken, spärrar och vårdrelationer",
    # denial
    "person.denied.title": "Åtkomst nekad",
    "person.denied.logged": "Försöket är loggat.",
    "person.emergency.title": "Nödåtkomst",
    "person.emergency.reason": "Skäl till nödåtkomsten",
    "person.emergency.reason_hint": "Beskriv varför du behöver uppgifterna nu. Skälet granskas i efterhand.",
    "person.emergency.confirm": (
        "Jag intygar att det finns fara för personens liv eller hälsa och att jag behöver uppgifterna för vården."
    ),
    "person.emergency.submit": "Öppna med nödåtkomst",
    "person.emergency.confirm_required": "Bekräfta att du behöver nödåtkomst.",
    "person.emergency.step_one_title": "Nödåtkomst genom en spärr hos en annan vårdgivare",
    "person.emergency.step_one_text": (
        "En annan vårdgivare har spärrat uppgifter på personens begäran. Vid fara för personens liv eller hälsa "
        "kan spärren brytas i två steg, vart och ett med skäl: först ser du vilka vårdgivare som har spärrade "
        "uppgifter, sedan öppnar du innehållet hos en av dem. Båda stegen loggas och granskas, och personen får "
        "veta om dem."
    ),
    "person.emergency.step_one_submit": "Visa vilka vårdgivare som har spärrade uppgifter",
    "person.emergency.steps_title": "Spärrade uppgifter – nödåtkomst",
    "person.emergency.steps_intro": "Vårdgivare som har spärrade uppgifter om personen:",
    "person.emergency.steps_none": "Ingen annan vårdgivare har spärrade uppgifter om personen.",
    "person.emergency.step_two_reason": "Skäl att öppna uppgifterna hos {provider}",
    "person.emergency.step_two_submit": "Öppna uppgifterna hos {provider}",
    "person.block.lift_temporarily": "Häv tillfälligt för en enhet",
    "person.block.lift_unit": "Enhet som spärren hävs för",
    "person.block.lift_reason": "Skäl (personen har samtyckt)",
    "person.block.lift_days": "Antal dagar (högst 7)",
    "person.back_to_person": "Tillbaka till personen",
    # access settings page
    "person.access.title": "Samtycken, spärrar och vårdrelationer",
    "person.access.done": "Ändringen är sparad.",
    "person.consents": "Samtycken",
    "person.no_consents": "Inga samtycken är registrerade.",
    "person.consent.recorded": "Registrerat",
    "person.consent.given_by.invanare": "av personen i e-tjänsten",
    "person.consent.given_by.personal": "av personal, enligt personen",
    "person.consent.valid_to": "Gäller till",
    "person.consent.revoked": "Återkallat {date}",
    "person.consent.active": "Gäller",
    "person.consent.revoke": "Återkalla",
    "person.consent.give_title": "Registrera samtycke",
    "person.consent.give_intro": (
        "Personen samtycker till att {provider} tar del av det andra vårdgivare har dokumenterat "
        "(sammanhållen vård- och omsorgsdokumentation). Samtycket kan återkallas när som helst."
    ),
    "person.consent.give": "Registrera samtycke",
    "person.blocks": "Spärrar",
    "person.no_blocks": "Inga spärrar är registrerade.",
    "person.block.kind.inre": "Inre spärr",
    "person.block.kind.yttre": "Yttre spärr",
    "person.block.set_by": "Satt av",
    "person.block.lifted": "Hävd {date}",
    "person.block.active": "Gäller",
    "person.block.lift": "Häv spärren",
    "person.block.set_title": "Spärra information på personens begäran",
    "person.block.kind": "Sorts spärr",
    "person.block.kind_hint.inre": "Inre spärr: andra enheter hos din vårdgivare ser inte informationen.",
    "person.block.kind_hint.yttre": "Yttre spärr: andra vårdgivare ser inte informationen.",
    "person.block.category": "Information som spärras",
    "person.block.set": "Spärra",
    "person.relationships": "Vårdrelationer",
    "person.no_relationships": "Inga vårdrelationer är registrerade (listning och boende visas under personen).",
    "person.relationship.kind.admission": "Inskrivning eller utskrivningsprocess",
    "person.relationship.kind.care_team": "Vårdteam",
    "person.relationship.kind.sip": "SIP",
    "person.relationship.kind.assignment": "Uppdrag",
    "person.relationship.period": "Period",
    "person.relationship.ended": "Avslutad",
    "person.relationship.end": "Avsluta",
    "person.relationship.start_title": "Starta vårdrelation (uppdrag)",
    "person.relationship.start_intro": "Din enhet får ett uppdrag för personen till och med slutdatumet.",
    "person.relationship.valid_to": "Slutdatum (till och med)",
    "person.relationship.start": "Starta vårdrelation",
    "person.date_invalid": "Ange ett giltigt datum (ÅÅÅÅ-MM-DD).",
}

merge_messages(SV, MESSAGES)
