"""Swedish texts of the access part (DOMAIN.md §5): the policy's reasons and notices, the person pages and the
person's own consents and spärrar; composition registers them in the one catalogue.

Denials are keyed ``access.denied.<Reason>``, so every reason code in nara.access.model has its text here (a test
checks that)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {

    # denials, one per nara.access.model.Reason
    # närstående, ombud and vårdnadshavare (nara.access.model.proxies)
    "access.denied.proxy_grant": "Du har en giltig fullmakt.",
    "access.denied.guardian": "Du är vårdnadshavare.",
    "access.denied.proxy_no_grant": "Du har ingen fullmakt att företräda den här personen.",
    "access.denied.proxy_grant_ended": "Din fullmakt för den här personen gäller inte längre.",
    "access.denied.proxy_scope_missing": "Din fullmakt omfattar inte den här informationen.",
    "access.denied.proxy_read_only": "Din fullmakt ger rätt att läsa, inte att ändra.",
    "access.denied.guardian_child_13": "Från 13 års ålder är barnets egna meddelanden barnets egna. Som "
                                       "vårdnadshavare kan du inte längre läsa dem.",
    "proxies.title": "Närstående och ombud",
    "proxies.nav": "Närstående och ombud",
    "proxies.act.nav": "Företräd någon",
    "proxies.intro": "Du kan låta en närstående eller ett ombud se delar av det som finns om dig i Nära. De loggar "
                     "in som sig själva och ser bara det du valt, till och med det datum du anger. Du kan ta "
                     "tillbaka behörigheten när som helst.",
    "proxies.list": "Dina fullmakter",
    "proxies.none": "Du har inte gett någon fullmakt.",
    "proxies.kind.narstaende": "Närstående",
    "proxies.kind.ombud": "Ombud",
    "proxies.kind.vardnadshavare": "Vårdnadshavare",
    "proxies.scope.plan": "Läsa min plan",
    "proxies.scope.meddelanden": "Läsa och skriva meddelanden",
    "proxies.scope.tider": "Se mina tider",
    "proxies.status.active": "Gäller till och med {date}",
    "proxies.status.revoked": "Återkallad {date}",
    "proxies.status.ended": "Har upphört",
    "proxies.status.future": "Gäller från {date}",
    "proxies.revoke": "Ta tillbaka",
    "proxies.revoke_label": "Ta tillbaka fullmakten för {name}",
    "proxies.revoked": "Fullmakten för {name} är återkallad och gäller inte längre.",
    "proxies.given": "{name} har nu fullmakt.",
    "proxies.give_title": "Ge en ny fullmakt",
    "proxies.personnummer": "Personens personnummer",
    "proxies.personnummer_hint": "12 siffror, till exempel 19700101-1234",
    "proxies.kind": "Personen är",
    "proxies.scopes": "Vad får personen göra?",
    "proxies.end_day": "Sista dag fullmakten gäller",
    "proxies.end_hint": "Högst ett år fram i tiden",
    "proxies.give": "Ge fullmakt",
    "proxies.kind_required": "Välj om personen är närstående eller ombud.",
    "proxies.scopes_required": "Välj minst en sak personen får göra.",
    "proxies.end_required": "Ange sista dagen fullmakten ska gälla.",
    "proxies.end_past": "Sista dagen kan inte ha passerat.",
    "proxies.end_too_far": "Fullmakten kan gälla högst {days} dagar framåt.",
    "proxies.personnummer_invalid": "Skriv ett giltigt personnummer med 12 siffror.",
    "proxies.personnummer_unknown": "Det finns ingen person i Nära med det personnumret.",
    "proxies.not_yourself": "Du kan inte ge fullmakt till dig själv.",
    "proxies.not_found": "Fullmakten finns inte.",
    "proxies.fix": "Rätta det som är markerat och försök igen.",
    "proxies.act.title": "Företräd någon",
    "proxies.act.intro": "Du kan se uppgifter om de personer som har gett dig fullmakt, och om dina barn under 18 "
                         "år. Välj vem du vill företräda.",
    "proxies.act.none": "Ingen har gett dig fullmakt just nu.",
    "proxies.act.until": "till och med {date}",
    "proxies.act.choose": "Företräd {name}",
    "proxies.act.self": "Sluta företräda och visa mina egna uppgifter",
    "proxies.act.now": "Du företräder nu {name}.",
    "proxies.act.self_now": "Du visar nu dina egna uppgifter.",
    "access.denied.unknown_person": "Du har inte åtkomst till uppgifter om den här personen.",
    "access.denied.not_own_data": "Du kan bara se och ändra dina egna uppgifter.",
    "access.denied.role_without_person_access": (
        "Din roll ger inte åtkomst till uppgifter om enskilda personer. Uppföljning och logguppföljning finns "
        "på egna sidor."
    ),
    "access.denied.not_staff_member": (
        "Ditt konto är inte kopplat till någon medarbetare och kan inte öppna uppgifter om personer."
    ),
    "access.denied.no_active_unit": "Välj vilken enhet du arbetar för innan du öppnar uppgifter om en person.",
    "access.denied.purpose_not_allowed": (
        "Uppgifter om en enskild person får du bara öppna för personens vård och behandling."
    ),
    "access.denied.log_is_personal": (
        "Loggutdraget visas bara för personen själv. Granskning av loggar görs i logguppföljningen."
    ),
    "access.denied.read_only_category": "Loggen kan inte ändras.",
    "access.denied.protected_identity": (
        "Personen har skyddade personuppgifter. Adress och vistelseort visas inte."
    ),
    "access.denied.no_care_relationship": (
        "Din enhet har ingen pågående vårdrelation med personen, därför kan du inte ta del av uppgifterna."
    ),
    "access.denied.no_consent": (
        "Uppgifterna kommer från en annan vårdgivare. Personen har inte samtyckt till att din vårdgivare tar del "
        "av dem (sammanhållen vård- och omsorgsdokumentation)."
    ),
    "access.denied.other_provider_write": (
        "Uppgifterna kommer från en annan vårdgivare. Du kan läsa dem men inte ändra dem."
    ),
    "access.denied.inre_sparr": (
        "Uppgifterna är spärrade av {unit} ({provider}) på personens begäran (inre spärr)."
    ),
    "access.denied.inre_sparr_other_provider": (
        "Uppgifterna är spärrade av {unit} ({provider}) på personens begäran och lämnas inte ut till andra "
        "vårdgivare, inte heller vid nödåtkomst."
    ),
    "access.denied.yttre_sparr": (
        "Uppgifterna är spärrade för andra vårdgivare av {provider} på personens begäran (yttre spärr). Spärren "
        "kan bara hävas av den vårdgivaren. Vid nödåtkomst kan den brytas i två steg, vart och ett med skäl: "
        "först vilka vårdgivare som har spärrade uppgifter, sedan innehållet hos en av dem."
    ),
    "access.denied.role_not_permitted": (
        "Din yrkesroll har inte behörighet till den här sortens uppgifter (behörighetsprofil efter behovs- och "
        "riskanalys)."
    ),
    "access.denied.role_read_only": "Din yrkesroll får läsa men inte dokumentera den här sortens uppgifter.",
    "access.denied.emergency_not_for_role": "Din yrkesroll kan inte använda nödåtkomst.",
    "access.denied.emergency_step_one_first": (
        "Ta först reda på vilka vårdgivare som har spärrade uppgifter (första steget av nödåtkomsten)."
    ),
    "access.denied.no_blocked_information": "Det finns ingen spärrad information hos den vårdgivaren.",
    "access.denied.relationship_held_by_other_unit": (
        "Vårdrelationen hör till en annan enhet. Bara den enheten kan avsluta den."
    ),
    "access.denied.lift_only_inre": (
        "Bara en inre spärr kan hävas tillfälligt. En yttre spärr hävs av den vårdgivare som satte den."
    ),
    "access.denied.staff_only": "Det här registreras av vårdpersonalen.",
    "access.denied.consent_for_other_provider": (
        "Du kan bara registrera eller återkalla samtycke för din egen vårdgivare."
    ),
    "access.denied.sparr_outside_own_unit": (
        "Du kan bara registrera en spärr för din egen enhet (inre spärr) eller din egen vårdgivare (yttre spärr)."
    ),
    "access.denied.sparr_set_by_other_provider": (
        "Spärren är satt av {provider}. Bara den vårdgivaren kan häva den, på personens begäran."
    ),
    "access.denied.sparr_lifted_by_provider": (
        "En spärr hävs av den vårdgivare som satte den. Kontakta {provider} om du vill häva spärren."
    ),
    # what the UI says besides
    "access.blocked_notice": "Det finns spärrad information ({what}), spärrad av {by} den {date}.",
    "access.blocked_notice.plan": "en plan",
    "access.blocked_notice.anonymous": (
        "Det finns spärrad information ({what}) hos en annan vårdgivare. Vilken vårdgivare visas bara vid nödåtkomst."
    ),
    "access.blocked_notice.some_unit": "en annan enhet",
    "access.blocked_notice.some_provider": "en annan vårdgivare",
    "access.blocked_providers": "Vårdgivare med spärrade uppgifter: {providers}.",
    "access.blocked_providers.none": "Ingen annan vårdgivare har spärrade uppgifter om personen.",
    "access.emergency_possible": (
        "Vid fara för personens liv eller hälsa kan du öppna uppgifterna med nödåtkomst. Du anger skäl; "
        "åtkomsten är tidsbegränsad, loggas, granskas i efterhand och personen får veta om den."
    ),
    "access.emergency_active": "Du har nödåtkomst till personen till {until}. Skäl: {reason}",
    "access.address_hidden": "Skyddade personuppgifter – adress och vistelseort visas inte.",
    # the role profiles, for reviewers
    "access.roles.title": "Behörighetsprofiler",
    "access.roles.intro": (
        "Vad varje yrkesroll får läsa och dokumentera om en person den har en vårdrelation med, efter behovs- och "
        "riskanalys. Tabellen är samma uppgifter som åtkomstreglerna beslutar med."
    ),
    "access.roles.caption": "Behörighet per yrkesroll och slag av uppgifter",
    "access.roles.role": "Yrkesroll",
    "access.roles.emergency": "Nödåtkomst",
    "access.roles.levels": (
        "Det som rör socialtjänsten: för planer SIP och de delar av planen som gäller socialtjänsten, vid utskrivning "
        "den information som är ställd till socialtjänsten. En yrkesroll som saknas i tabellen har ingen åtkomst."
    ),
    # information categories, for notices and pages
    "access.category.grunduppgifter": "grunduppgifter",
    "access.category.adress": "adress och vistelseort",
    "access.category.plan": "planer",
    "access.category.vardkontakter": "vårdkontakter",
    "access.category.anteckningar": "anteckningar",
    "access.category.utskrivning": "utskrivning",
    "access.category.social_dokumentation": "socialtjänstens dokumentation",
    "access.category.lakemedel": "läkemedel",
    "access.category.matvarden": "mätvärden",
    "access.category.atkomst": "samtycken och spärrar",
    "access.category.logg": "logg",
    "access.category.meddelanden": "meddelanden",
    # use cases (nara.access.service.grants)
    "access.emergency.reason_required": "Ange skälet till nödåtkomsten med ord.",
    "access.lift.reason_required": "Ange skälet till att spärren hävs tillfälligt.",
    "access.lift.duration": "En spärr kan hävas tillfälligt i högst {days} dagar.",
    "access.lift.scope": "Ange antingen en enhet eller en användare som spärren hävs för.",
    "access.lift.not_found": "Det tillfälliga hävandet finns inte.",
    "access.emergency.reason_too_long": "Skälet får vara högst {length} tecken.",
    "access.emergency.duration": "Nödåtkomst kan gälla högst {days} dagar.",
    "access.relationship.end_required": "Ett uppdrag (vårdrelation) måste ha ett slutdatum.",
    "access.relationship.derived": "Listning och boende registreras i katalogen, inte som vårdrelation här.",
    "access.relationship.period": "Slutet måste ligga efter början.",
    "access.relationship.not_found": "Vårdrelationen finns inte.",
    "access.relationship.ended": "Vårdrelationen är redan avslutad.",
    "access.consent.period": "Samtyckets slut måste ligga efter dess början.",
    "access.consent.not_found": "Samtycket finns inte.",
    "access.consent.revoked": "Samtycket är redan återkallat.",
    "access.sparr.target": "Ange antingen en informationsmängd eller en plan som ska spärras, inte båda.",
    "access.sparr.category": "Den informationen kan inte spärras.",
    "access.sparr.unit_required": "En inre spärr sätts för en vårdenhet: ange enheten.",
    "access.sparr.unit_provider": "Enheten hör inte till den angivna vårdgivaren.",
    "access.sparr.not_found": "Spärren finns inte.",
    "access.sparr.lifted": "Spärren är redan hävd.",
    "access.assessment.note_required": "Beskriv bedömningen och hur personens inställning har klarlagts.",
    "access.assessment.not_found": "Bedömningen finns inte.",
    "access.emergency.not_found": "Nödåtkomsten finns inte.",

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
    "person.information_needs_emergency": "kräver nödåtkomst",
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
    # the person's own consents and spärrar under /min-sida
    "resident.no_person": "Ditt konto är inte kopplat till någon person.",
    "resident.consent.exists": "Du har redan ett samtycke som gäller för {provider}.",
    "resident.consent.provider_missing": "Välj en vårdgivare.",
    "resident.block.fields_missing": "Välj verksamhet, typ av spärr och vilken information som ska spärras.",
    "resident.nav.consents": "Mina samtycken",
    "resident.nav.blocks": "Mina spärrar",
    "resident.consents.title": "Mina samtycken",
    "resident.consents.intro": (
        "En vårdgivare får läsa det som andra vårdgivare har dokumenterat om dig bara om du samtycker "
        "(sammanhållen vård- och omsorgsdokumentation). Du kan ge och återkalla samtycke när du vill. "
        "Det gäller direkt."
    ),
    "resident.consents.none": "Du har inte gett något samtycke.",
    "resident.consents.list": "Dina samtycken",
    "resident.consents.provider": "Vårdgivare",
    "resident.consents.scope_all": "Gäller all information",
    "resident.consents.scope_plan": "Gäller en plan",
    "resident.consents.since": "Från {date}",
    "resident.consents.given_by.invanare": "Du gav det här",
    "resident.consents.given_by.personal": "Registrerat av personal",
    "resident.consents.status.active": "Gäller",
    "resident.consents.status.revoked": "Återkallat {date}",
    "resident.consents.status.ended": "Har slutat gälla",
    "resident.consents.status.future": "Börjar gälla {date}",
    "resident.consents.revoke": "Återkalla",
    "resident.consents.revoke_label": "Återkalla samtycket för {provider}",
    "resident.consents.give_title": "Ge samtycke",
    "resident.consents.mine": "Vårdgivare du har eller har haft kontakt med",
    "resident.consents.all": "Alla vårdgivare",
    "resident.consents.others": "Övriga vårdgivare",
    "resident.consents.choose": "Vårdgivare som får ta del av andra vårdgivares uppgifter om dig",
    "resident.consents.choose_none": "Välj vårdgivare",
    "resident.consents.give": "Ge samtycke",
    "resident.consents.given": "Samtycket för {provider} gäller från nu.",
    "resident.consents.revoked": "Samtycket för {provider} är återkallat. Det gäller från nu.",
    "resident.blocks.title": "Mina spärrar",
    "resident.blocks.intro": (
        "Med en spärr hindrar du att det som en verksamhet har dokumenterat om dig visas för andra. En inre "
        "spärr gäller andra enheter hos samma vårdgivare, en yttre spärr andra vårdgivare. Att det finns "
        "spärrad information, och vem som har spärrat den, syns alltid för vårdpersonalen."
    ),
    "resident.blocks.none": "Du har inga spärrar.",
    "resident.blocks.list": "Dina spärrar",
    "resident.blocks.kind.inre": "Inre spärr",
    "resident.blocks.kind.yttre": "Yttre spärr",
    "resident.blocks.kind_explained.inre": "Andra enheter hos {provider} ser inte det som {unit} har dokumenterat.",
    "resident.blocks.kind_explained.yttre": "Andra vårdgivare ser inte det som {provider} har dokumenterat.",
    "resident.blocks.covers": "Spärrat",
    "resident.blocks.covers_plan": "en plan",
    "resident.blocks.set_by": "Satt av",
    "resident.blocks.set_at": "Satt",
    "resident.blocks.lifted": "Hävd {date}",
    "resident.blocks.active": "Gäller",
    "resident.blocks.lift_how": (
        "En spärr hävs av den vårdgivare som satte den. Kontakta {provider} om du vill häva den."
    ),
    "resident.blocks.ask_title": "Begär en spärr",
    "resident.blocks.ask_intro": (
        "Spärren gäller från nu. I en nödsituation kan vårdpersonal hos samma vårdgivare öppna en inre spärr "
        "med nödåtkomst; en yttre spärr gäller alltid."
    ),
    "resident.blocks.no_units": (
        "Du har ingen registrerad kontakt med någon verksamhet ännu. Kontakta vårdgivaren om du vill spärra."
    ),
    "resident.blocks.unit": "Verksamhet som har dokumenterat",
    "resident.blocks.choose_unit": "Välj verksamhet",
    "resident.blocks.kind": "Typ av spärr",
    "resident.blocks.kind_option.inre": "Inre spärr – andra enheter hos samma vårdgivare ska inte se det",
    "resident.blocks.kind_option.yttre": "Yttre spärr – andra vårdgivare ska inte se det",
    "resident.blocks.category": "Information som ska spärras",
    "resident.blocks.choose_category": "Välj information",
    "resident.blocks.submit": "Spärra",
    "resident.blocks.set": "Spärren är registrerad och gäller från nu.",
}
