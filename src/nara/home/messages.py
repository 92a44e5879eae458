"""Swedish texts of the start pages; the composition registers them (nara.parts)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
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
    "web.resident.no_fast_lakare": "Du har ingen namngiven fast läkarkontakt ännu. Du kan be "
        "din vårdcentral om en.",
    "web.resident.not_listed": "Du är inte listad på någon vårdcentral. Du kan välja vårdcentral själv.",
    "web.resident.unit_phone": "Telefon till vårdcentralen: {phone}",
    "web.resident.plan_title": "Min plan",
    "web.resident.plan_coming": "Här kommer din plan – det du och vården kommer överens om. Du kommer att hitta:",
    "web.resident.plan_goals": "dina mål och vad som är viktigt för dig",
    "web.resident.plan_self": "vad du kan göra själv för att må bra, och vad du ska vara uppmärksam på",
    "web.resident.plan_care": "vad vården och kommunen gör, och vem som gör vad",
    "web.resident.plan_contact": "vem som är din fasta vårdkontakt och hur du når hen",
    "web.resident.plan_times": "de tider ni har bokat tillsammans",
    "web.resident.plan_later": "Planen finns inte i den här versionen av Nära än.",
    "web.resident.contact_title": "Så kontaktar du vården",
    "web.resident.contact_1177": "Sjukvårdsrådgivning dygnet runt: ring 1177.",
    "web.resident.contact_112": "Vid akut fara för liv och hälsa: ring 112.",
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
    "web.staff.coming_plans": "Dina patienters planer (Patientkontrakt) och samordnade "
        "individuella planer (SIP).",
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
    "home.search.intro": "Sök på namn, personnummer eller födelsedatum. Du ser bara de personer du har rätt att "
        "se, och varje sökning loggas.",
    "home.search.label": "Namn, personnummer eller födelsedatum",
    "home.search.hint": "Till exempel Anna Andersson, 19121212-1212 eller 1912-12-12",
    "home.search.hits_title": "Sökresultat",
    "home.search.hits": "Personer som du har åtkomst till: {count}.",
    "home.search.none": "Ingen person som du har åtkomst till stämmer med sökningen.",
    "home.search.more": "Fler personer stämmer med sökningen. Skriv mer av namnet, eller sök på personnummer.",
    "home.search.only_yours": "Personer som du inte har en vårdrelation med visas inte. Sökningen loggas.",
    "home.search.too_short": "Skriv minst två tecken.",
    "home.search.date_invalid": "Det finns inget sådant datum. Skriv födelsedatum som ÅÅÅÅ-MM-DD.",
    "home.today.title": "Idag",
    "home.today.tasks": "Att göra",
    "home.today.due": "senast",
    "home.today.left": "{time} kvar",
    "home.today.late": "försenad {time}",
    "home.today.sip_meeting": "SIP-möte",
    "home.today.task.activity": "aktivitet att göra",
    "home.today.task.time": "överenskommen tid",
    "home.today.task.sip_meeting": "SIP-möte",
    "home.today.overdue_since": "skulle vara klar {day}",
    "home.today.yours": "din enhet ansvarar",
    "home.today.requests": "{count} obesvarade önskemål eller meddelanden från personen",
    "home.today.no_tasks": "Inget att göra i dag för din enhet.",
    "home.today.unacknowledged": "Meddelanden om utskrivning som väntar på din enhets kvittens: {count}",
    "home.today.list.listed": "Listade patienter med en plan",
    "home.today.list.residents": "Boende på enheten",
    "home.today.list.enrolled": "Inskrivna i hemsjukvården",
    "home.today.approvals": "Väntar på godkännande",
    "home.today.approval.sip": "SIP:en väntar på att din vårdgivare godkänner den",
    "home.today.approval.patientkontrakt": "En ändring i patientkontraktet väntar på att din vårdgivare godkänner den",
    "home.nav.today": "Idag",
    "home.today.list_empty": "Ingen just nu.",
    "home.today.inpatients": "Inskrivna patienter",
    "home.today.ready": "Utskrivningsklara",
    "home.today.days": "{days} d {hours} tim",
    "home.today.hours": "{hours} tim {minutes} min",
    "home.today.minutes": "{minutes} min",
}
