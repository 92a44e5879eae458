"""Swedish texts of the web kit: the shell, error pages and the start and log-in pages. Registered with the
catalogue by the composition (nara.parts.load_catalogue)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # reading a posted form (nara.web.forms)
    "form.too_long": "Texten får vara högst {limit} tecken.",
    "form.choose_from_list": "Välj ett av alternativen i listan.",
    "form.day_invalid": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-03.",
    "form.day_required": "Ange datum.",
    "form.time_required": "Ange klockslag.",
    "form.time_invalid": "Skriv klockslaget som TT:MM, till exempel 10:30.",
    "form.phone_invalid": "Skriv telefonnumret med siffror, till exempel 019-123 45 67.",
    "form.link_invalid": "Länken ska börja med https://.",
    "form.error_title": "Det finns fel i formuläret",
    "form.error_prefix": "Fel:",
    "form.optional": "(frivilligt)",
    "form.day": "Datum",
    "form.clock": "Klockslag",
    "input.nul": "Texten innehåller ett otillåtet tecken (NUL). Ta bort det och försök igen.",
    # shell
    "web.product": "Nära",
    "web.product_tagline": "nära vård",
    "web.skip_to_content": "Hoppa till innehållet",
    "web.nav.label": "Huvudmeny",
    "web.logout": "Logga ut",
    "web.logged_in_as": "Inloggad som",
    "web.works_for": "Du arbetar nu för",
    "web.demo.banner_title": "Demo – syntetiska uppgifter.",
    "web.demo.banner_text": (
        "Alla personer och uppgifter här är påhittade. Skriv aldrig "
        "in riktiga personuppgifter."
    ),
    "web.footer.text": "Nära – öppen plattform för nära vård. Vi skapar hälsa tillsammans.",
    "web.synthetic_badge": "SYNTETISK",
    "web.synthetic_explained": (
        "Personen är påhittad (syntetiska testuppgifter) och finns "
        "inte i verkligheten."
    ),
    # navigation
    "web.nav.min_sida": "Min sida",
    "web.nav.arbetsyta": "Arbetsyta",
    "web.nav.uppfoljning": "Uppföljning",
    "web.nav.logguppfoljning": "Logguppföljning",
    # roles, professions, unit kinds, principals
    "web.role.resident": "Invånare",
    "web.role.staff": "Medarbetare",
    "web.role.leader": "Ledning och uppföljning",
    "web.role.reviewer": "Logggranskare",
    "web.role.admin": "Administratör",
    "web.profession.lakare": "Läkare",
    "web.profession.sjukskoterska": "Sjuksköterska",
    "web.profession.distriktsskoterska": "Distriktssköterska",
    "web.profession.underskoterska": "Undersköterska",
    "web.profession.fysioterapeut": "Fysioterapeut",
    "web.profession.arbetsterapeut": "Arbetsterapeut",
    "web.profession.dietist": "Dietist",
    "web.profession.kurator": "Kurator",
    "web.profession.bistandshandlaggare": "Biståndshandläggare",
    "web.profession.socialsekreterare": "Socialsekreterare",
    "web.unit_kind.vardcentral": "Vårdcentral",
    "web.unit_kind.vardavdelning": "Vårdavdelning",
    "web.unit_kind.akutmottagning": "Akutmottagning",
    "web.unit_kind.hemsjukvard": "Hemsjukvård",
    "web.unit_kind.hemtjanst": "Hemtjänst",
    "web.unit_kind.sabo": "Särskilt boende (SäBo)",
    "web.unit_kind.socialtjanst": "Socialtjänst (biståndshandläggning)",
    "web.unit_kind.elevhalsa": "Elevhälsa",
    "web.unit_kind.civilsamhalle": "Civilsamhälle",
    "web.principal.region": "Region",
    "web.principal.kommun": "Kommun",
    "web.principal.privat": "Privat vårdgivare",
    # login
    "web.login.title": "Logga in",
    "web.login.intro": "Logga in med ditt användarnamn och lösenord.",
    "web.login.username": "Användarnamn",
    "web.login.password": "Lösenord",
    "web.login.submit": "Logga in",
    "web.login.missing": "Fyll i både användarnamn och lösenord.",
    "web.login.error_title": "Inloggningen misslyckades",
    "web.login.logged_out": "Du är utloggad.",
    "web.login.demo_title": "Det här är en demo",
    "web.login.demo_text": (
        "Demokontona nedan visar Nära för olika yrken och för en invånare. Alla personer är påhittade."
    ),
    "web.login.demo_password": "Alla demokonton har lösenordet",
    "web.login.demo_password_cli": "Lösenordet skrivs ut av kommandot nara demo.",
    "web.login.demo_caption": "Demokonton",
    # resident start page
    "web.resident.emergency_title": "Dina uppgifter har öppnats med nödåtkomst",
    "web.resident.emergency_intro": (
        "Vid en nödsituation får vårdpersonal öppna dina uppgifter utan ditt samtycke. Varje sådan åtkomst "
        "granskas i efterhand, och du har rätt att få veta om den."
    ),
    "web.resident.emergency_item": "{when}: {unit}. Skäl som angavs: {reason}",
    "web.resident.emergency_link": "Se hela listan över vem som har läst om dig",
    "web.resident.title": "Min sida",
    "web.resident.greeting": "Hej {name}!",
    "web.resident.identity": "Personnummer",
    "web.resident.home_municipality": "Folkbokförd i",
    "web.resident.care_title": "Min vårdcentral",
    "web.resident.listed_at": "Du är listad på {unit}.",
    "web.resident.fast_lakare": "Din fasta läkarkontakt är {name}.",
    "web.resident.no_fast_lakare": (
        "Du har ingen namngiven fast läkarkontakt ännu. Du kan be "
        "din vårdcentral om en."
    ),
    "web.resident.not_listed": "Du är inte listad på någon vårdcentral. Du kan välja vårdcentral själv.",
    "web.resident.unit_phone": "Telefon till vårdcentralen: {phone}",
    "web.resident.plan_title": "Min plan",
    "web.resident.plan_coming": (
        "Här kommer din plan – det du och vården kommer överens om. Du kommer att hitta:"
    ),
    "web.resident.plan_goals": "dina mål och vad som är viktigt för dig",
    "web.resident.plan_self": "vad du kan göra själv för att må bra, och vad du ska vara uppmärksam på",
    "web.resident.plan_care": "vad vården och kommunen gör, och vem som gör vad",
    "web.resident.plan_contact": "vem som är din fasta vårdkontakt och hur du når hen",
    "web.resident.plan_times": "de tider ni har bokat tillsammans",
    "web.resident.plan_later": "Planen finns inte i den här versionen av Nära än.",
    "web.resident.contact_title": "Så kontaktar du vården",
    "web.resident.contact_1177": "Sjukvårdsrådgivning dygnet runt: ring 1177.",
    "web.resident.contact_112": "Vid akut fara för liv och hälsa: ring 112.",
    # staff start page
    "web.staff.title": "Arbetsyta",
    "web.staff.unit_kind": "Typ av enhet",
    "web.staff.principal": "Vårdgivare",
    "web.staff.name": "Namn",
    "web.staff.profession": "Yrke",
    "web.staff.hsa_id": "HSA-id",
    "web.staff.switch_title": "Byt enhet",
    "web.staff.switch_intro": "Du har uppdrag på flera enheter. Välj vilken du arbetar för nu.",
    "web.staff.switch_label": "Enhet",
    "web.staff.switch_submit": "Byt enhet",
    "web.staff.switched": "Du arbetar nu för {unit}.",
    "web.staff.coming_title": "Ditt arbete",
    "web.staff.coming_plans": (
        "Dina patienters planer (Patientkontrakt) och samordnade "
        "individuella planer (SIP)."
    ),
    "web.staff.coming_access": (
        "Bara de patienter du har en vårdrelation med, och varje åtkomst loggas (patientdatalagen)."
    ),
    "web.staff.coming.vardcentral": (
        "Listade patienter med fast läkarkontakt och fast vårdkontakt, och utskrivningar där vårdcentralen "
        "ska utse fast vårdkontakt."
    ),
    "web.staff.coming.vardavdelning": (
        "Inskrivna patienter som kan behöva insatser efter utskrivning: inskrivningsmeddelanden och "
        "utskrivningsklar-meddelanden enligt lag (2017:612)."
    ),
    "web.staff.coming.hemsjukvard": (
        "Meddelanden om patienter som skrivs ut från sjukhus och behöver hemsjukvård, och kallelser till SIP."
    ),
    "web.staff.coming.socialtjanst": (
        "Meddelanden om utskrivning från sjukhus som kan behöva insatser från socialtjänsten, och kallelser "
        "till SIP."
    ),
    "web.staff.coming.other": "Uppgifter och meddelanden för din enhet.",
    "web.staff.work_discharge": "Utskrivningar: meddelanden, kvittenser och tidsfrister enligt lag (2017:612).",
    "web.staff.work_persons": "Sök en person och se vad du har åtkomst till.",
    # leader and reviewer start pages
    "web.leader.title": "Uppföljning av nära vård",
    "web.leader.intro": (
        "Här kommer indikatorerna för omställningen till nära vård, per region, länsdel, kommun och "
        "vårdcentral, uppdelat på kön och ålder."
    ),
    "web.leader.dimensions_title": "Det som följs upp",
    "web.leader.tillganglighet": "Tillgänglighet – till exempel medicinsk bedömning inom tre dagar.",
    "web.leader.kontinuitet": "Kontinuitet – andel med namngiven fast läkarkontakt och kontinuitetsindex.",
    "web.leader.samordning": (
        "Samordning – återinskrivning inom 30 dagar, dagar som "
        "utskrivningsklar och SIP."
    ),
    "web.leader.proaktivitet": "Proaktivitet – undvikbar slutenvård, fallskador och förebyggande hembesök.",
    "web.leader.aggregated": "Du ser bara sammanställda uppgifter, aldrig enskilda personer.",
    "web.leader.later": "Indikatorerna finns inte i den här versionen av Nära än.",
    # errors
    "web.error.title.400": "Felaktig begäran",
    "web.error.title.401": "Du behöver logga in",
    "web.error.title.403": "Ingen behörighet",
    "web.error.title.404": "Sidan finns inte",
    "web.error.title.405": "Det går inte att göra så här",
    "web.error.title.413": "För mycket data",
    "web.error.title.422": "Uppgifterna är inte giltiga",
    "web.error.title.429": "För många försök",
    "web.error.title.500": "Något gick fel",
    "web.error.title.503": "Tjänsten är inte tillgänglig",
    "web.error.title.other": "Det gick inte",
    "web.error.to_start": "Till startsidan",
    "web.error.to_login": "Till inloggningen",
    "web.error.go_back": "Gå tillbaka till sidan du kom från, ladda om den och försök igen.",
    "web.error.too_large": "Formuläret innehöll för mycket data.",
    "web.logout.confirm": "Vill du logga ut? Tryck på knappen.",
}
