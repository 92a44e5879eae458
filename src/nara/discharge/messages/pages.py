"""Swedish texts of the Utskrivning pages (DOMAIN §4): the staff worklist, the process page and its forms
(``dischargepage.*``, ``dischargeform.*``), the payment report page (``dischargepay.*``) and the resident's Min
utskrivning (``minutskrivning.*``). Steps, phases, message kinds, roles and day kinds are named by the back
end's own texts (:mod:`.process`, :mod:`.use_cases`), so a page and the API say the same thing."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # navigation
    "dischargepage.nav.worklist": "Utskrivningar",
    "dischargepage.nav.payment": "Betalningsansvar",
    "minutskrivning.nav": "Min utskrivning",
    # shared
    "dischargepage.breadcrumbs": "Du är här",
    "dischargepage.relative.in_minutes": "om {n} min",
    "dischargepage.relative.in_hours": "om {n} h",
    "dischargepage.relative.in_day": "om 1 dag",
    "dischargepage.relative.in_days": "om {n} dagar",
    "dischargepage.relative.late_minutes": "försenad {n} min",
    "dischargepage.relative.late_hours": "försenad {n} h",
    "dischargepage.relative.late_day": "försenad 1 dag",
    "dischargepage.relative.late_days": "försenad {n} dagar",
    "dischargepage.relative.now": "nu",
    "dischargepage.deadline": "senast {when} ({relative})",
    "dischargepage.provisional": "preliminär: vilar på beräknat utskrivningsdatum",
    "dischargepage.escalated": "Eskalerad",
    "dischargepage.escalated_text": (
        "Eskalerad: en tidsgräns har passerats eller ett meddelande har väntat på kvittens längre än "
        "överenskommelsen tillåter."
    ),
    "dischargepage.your_unit": "din enhet",
    "dischargepage.access.no_care_relationship": (
        "Du kan inte öppna processen: din enhet har ingen vårdrelation med patienten."
    ),
    "dischargepage.access.no_consent": "Du kan inte öppna processen: patienten har inte samtyckt.",
    "dischargepage.access.inre_sparr": "Du kan inte öppna processen: uppgifterna är spärrade (inre spärr).",
    "dischargepage.access.yttre_sparr": "Du kan inte öppna processen: uppgifterna är spärrade (yttre spärr).",
    "dischargepage.access.other": "Du kan inte öppna processen.",
    # saved (?klart=)
    "dischargepage.saved.inskriven": (
        "Patienten är inskriven. Skicka inskrivningsmeddelandet när du vet beräknat utskrivningsdatum."
    ),
    "dischargepage.saved.inskriven-meddelad": (
        "Patienten är inskriven och inskrivningsmeddelandet är skickat till mottagarna."
    ),
    "dischargepage.saved.inskrivningsmeddelande": "Inskrivningsmeddelandet är skickat till mottagarna.",
    "dischargepage.saved.behov": "Bedömningen är registrerad. De 24 timmarna räknas från nu.",
    "dischargepage.saved.berakning": "Det nya beräknade utskrivningsdatumet är skickat till mottagarna.",
    "dischargepage.saved.mottagare": "Mottagaren är tillagd och får meddelandena från och med nu.",
    "dischargepage.saved.planering": "Planeringsunderlaget är skickat till mottagarna.",
    "dischargepage.saved.fast-vardkontakt": "Den fasta vårdkontakten är utsedd.",
    "dischargepage.saved.utskrivningsklar": (
        "Underrättelsen om att patienten är utskrivningsklar är skickad till mottagarna."
    ),
    "dischargepage.saved.inte-utskrivningsklar": (
        "Mottagarna har fått veta att patienten inte längre är utskrivningsklar."
    ),
    "dischargepage.saved.sip-behov": "Bedömningen av behovet av SIP är sparad.",
    "dischargepage.saved.sip-kallelse": "Kallelsen till SIP är skickad och SIP:en är skapad.",
    "dischargepage.saved.sip-mote": "Kallelsen till SIP är skickad. Mötet är tillagt i personens SIP.",
    "dischargepage.saved.informationsoverforing": "Informationen är överförd till mottagarna.",
    "dischargepage.saved.utskriven": "Patienten är registrerad som utskriven.",
    "dischargepage.saved.informerad": (
        "Det är registrerat att patienten vet vem den fasta vårdkontakten är och när SIP-mötet är."
    ),
    "dischargepage.saved.makulerad": "Processen är makulerad. Mottagarna har fått ett meddelande.",
    "dischargepage.saved.avbruten": "Processen är avbruten. Mottagarna har fått ett meddelande.",
    "dischargepage.saved.kvitterat": "Kvitterat.",
    # the worklist
    "dischargepage.worklist.title": "Utskrivningar",
    "dischargepage.worklist.intro": (
        "Utskrivningar från sluten vård där {unit} är vårdavdelning eller mottagare (lag 2017:612). Det som är "
        "eskalerat eller försenat står först. Listan uppdateras av sig själv när något händer."
    ),
    "dischargepage.worklist.open_title": "Skriv in en patient",
    "dischargepage.worklist.open_intro": (
        "När läkaren bedömer att patienten kan behöva insatser efter utskrivningen. Mottagarna hämtas från "
        "katalogen: vårdcentralen där personen är listad och hemkommunens hemsjukvård, hemtjänst och "
        "biståndshandläggning."
    ),
    "dischargepage.worklist.identifier": "Personnummer",
    "dischargepage.worklist.identifier_hint": "ÅÅÅÅMMDD-NNNN. Sökningen loggas.",
    "dischargepage.worklist.estimate": "Beräknat utskrivningsdatum",
    "dischargepage.worklist.estimate_hint": (
        "Fyll i det om inskrivningsmeddelandet ska skickas direkt (det ska skickas inom 24 timmar)."
    ),
    "dischargepage.worklist.open_submit": "Skriv in patienten",
    "dischargepage.worklist.list_title": "Pågående utskrivningar",
    "dischargepage.worklist.live_label": "Listan över utskrivningar",
    "dischargepage.worklist.none": "Din enhet har inga pågående utskrivningar.",
    "dischargepage.worklist.fetched": "Hämtad {when}.",
    "dischargepage.worklist.open_process": "öppna processen",
    "dischargepage.worklist.roles": "Din enhet: {roles}",
    "dischargepage.worklist.admitted": "Inskriven",
    "dischargepage.worklist.estimate_short": "Beräknad utskrivning",
    "dischargepage.worklist.sip": "SIP-möte",
    "dischargepage.worklist.due_title": "Steg som väntar",
    "dischargepage.worklist.nothing_due": "Inget steg väntar just nu.",
    "dischargepage.worklist.step_line": "{step}: {state}",
    "dischargepage.worklist.ack_title": "Att kvittera",
    "dischargepage.worklist.ack_item": "{kind}, skickat {when}",
    "dischargepage.worklist.awaiting": "Mottagarna har inte kvitterat {count} meddelanden ännu.",
    "dischargepage.worklist.denied_title": "Utskrivningsprocess {id}",
    "dischargepage.worklist.payment_link": "Betalningsansvar per kommun och månad",
    "dischargepage.ack": "Kvittera",
    "dischargepage.ack_all": "Kvittera alla",
    "dischargepage.ack_for": "{kind} för {name}",
    # the process page
    "dischargepage.process.title": "Utskrivning: {name}",
    "dischargepage.process.identifier": "Personnummer",
    "dischargepage.process.address": "Adress",
    "dischargepage.process.address_hidden": "Visas inte (skyddad identitet)",
    "dischargepage.process.ward": "Vårdavdelning",
    "dischargepage.process.phase": "Läge",
    "dischargepage.process.home_municipality": "Hemkommun (betalar)",
    "dischargepage.process.admitted": "Inskriven",
    "dischargepage.process.needs_assessed": "Behov bedömt",
    "dischargepage.process.estimate": "Beräknat utskrivningsdatum",
    "dischargepage.process.earlier_estimates": "Tidigare beräknat: {days}",
    "dischargepage.process.ready": "Utskrivningsklar sedan",
    "dischargepage.process.discharged": "Utskriven",
    "dischargepage.process.ended": "Avslutad",
    "dischargepage.process.closed": (
        "Processen är stängd: allt är gjort och alla meddelanden är kvitterade. Vårdrelationerna från processen "
        "har upphört."
    ),
    "dischargepage.process.interruption": "Skäl",
    "dischargepage.process.none": "–",
    "dischargepage.process.emergency": (
        "Du har öppnat processen med nödåtkomst. Åtkomsten granskas i efterhand."
    ),
    "dischargepage.process.agreement_title": "Överenskommelse",
    "dischargepage.process.agreement": (
        "Tidsgränserna kommer från {name} (gäller från {valid_from}): den överenskommelse som "
        "gällde när patienten skrevs in."
    ),
    "dischargepage.process.agreement_example": "Exempel, inte en verklig överenskommelse.",
    "dischargepage.process.contact_title": "Fast vårdkontakt",
    "dischargepage.process.contact": "{name}, {profession}, {unit}",
    "dischargepage.process.contact_phone": "Telefon: {phone}",
    "dischargepage.process.no_contact": "Ingen fast vårdkontakt är utsedd ännu.",
    "dischargepage.process.sip_title": "SIP",
    "dischargepage.process.sip_at": "SIP-mötet: {when}",
    "dischargepage.process.sip_link": "Öppna SIP:en",
    "dischargepage.process.sip_needed": "En SIP behövs (både regionen och kommunen tar emot patienten).",
    "dischargepage.process.sip_not_needed": "Ingen SIP behövs enligt bedömningen.",
    "dischargepage.process.no_sip": "Ingen kallelse till SIP är skickad ännu.",
    "dischargepage.process.live_label": "Processen",
    "dischargepage.steps.caption": "Steg och tidsgränser",
    "dischargepage.steps.step": "Steg",
    "dischargepage.steps.party": "Ansvarar",
    "dischargepage.steps.due": "Tidsgräns",
    "dischargepage.steps.state": "Status",
    "dischargepage.steps.done": "Klart",
    "dischargepage.steps.basis": "Grund: {basis}",
    "dischargepage.steps.no_deadline": "Ingen tidsgräns",
    "dischargepage.messages.caption": "Meddelanden och kvittenser",
    "dischargepage.messages.message": "Meddelande",
    "dischargepage.messages.sent": "Skickat",
    "dischargepage.messages.from": "Från",
    "dischargepage.messages.receipts": "Kvittenser",
    "dischargepage.messages.none": "Inga meddelanden är skickade ännu.",
    "dischargepage.messages.estimate": "Beräknat utskrivningsdatum: {day}",
    "dischargepage.messages.sip_at": "SIP-mötet: {when}",
    "dischargepage.messages.acknowledged": "kvitterat {when}",
    "dischargepage.messages.not_acknowledged": "inte kvitterat",
    "dischargepage.receivers.title": "Mottagare",
    "dischargepage.receivers.proposed_title": "Mottagare som hittades i katalogen",
    "dischargepage.receivers.proposed_intro": "De får inskrivningsmeddelandet när du skickar det.",
    "dischargepage.receivers.none": "Inga mottagare hittades i katalogen. Lägg till mottagare nedan.",
    "dischargepage.receivers.item": "{unit} ({provider}): {role}",
    "dischargepage.history.title": "Historik",
    "dischargepage.history.item": "{when}: {label}, {who}",
    "dischargepage.history.unit": "{who} ({unit})",
    "dischargepage.actions.title": "Registrera",
    "dischargepage.actions.none": "Din enhet har inget att registrera i processen just nu.",
    # the forms of the process page
    "dischargeform.notice.title": "Skicka inskrivningsmeddelande",
    "dischargeform.notice.estimate": "Beräknat utskrivningsdatum",
    "dischargeform.notice.note": "Meddelande till mottagarna",
    "dischargeform.notice.submit": "Skicka inskrivningsmeddelandet",
    "dischargeform.needs.title": "Behovet bedömt efter inskrivningen",
    "dischargeform.needs.text": (
        "Om läkaren först nu bedömer att patienten kan behöva insatser efter utskrivningen räknas "
        "inskrivningsmeddelandets 24 timmar härifrån."
    ),
    "dischargeform.needs.submit": "Registrera bedömningen",
    "dischargeform.estimate.title": "Ändra beräknat utskrivningsdatum",
    "dischargeform.estimate.day": "Nytt beräknat utskrivningsdatum",
    "dischargeform.estimate.note": "Meddelande till mottagarna",
    "dischargeform.estimate.submit": "Skicka det nya datumet",
    "dischargeform.receivers.title": "Lägg till mottagare",
    "dischargeform.receivers.unit": "Enhet",
    "dischargeform.receivers.empty": "Välj en enhet",
    "dischargeform.receivers.submit": "Lägg till mottagaren",
    "dischargeform.planning.title": "Skicka planeringsunderlag",
    "dischargeform.planning.note": "Planeringsunderlag",
    "dischargeform.planning.submit": "Skicka planeringsunderlaget",
    "dischargeform.contact.title": "Utse fast vårdkontakt",
    "dischargeform.contact.staff": "Fast vårdkontakt",
    "dischargeform.contact.hint": "En medarbetare på din enhet. Patienten får veta vem det är.",
    "dischargeform.contact.empty": "Välj en medarbetare",
    "dischargeform.contact.submit": "Utse fast vårdkontakt",
    "dischargeform.ready.title": "Utskrivningsklar",
    "dischargeform.ready.text": (
        "Den behandlande läkaren bedömer att patienten inte längre behöver slutenvård. Underrättelsen går till "
        "kommunen och den öppna vården. Kallelsen till SIP ska skickas inom 3 kalenderdagar."
    ),
    "dischargeform.ready.note": "Meddelande till mottagarna",
    "dischargeform.ready.submit": "Patienten är utskrivningsklar",
    "dischargeform.not_ready.title": "Inte längre utskrivningsklar",
    "dischargeform.not_ready.text": "Patienten har blivit sämre igen. Betalningsdagarna upphör.",
    "dischargeform.not_ready.note": "Meddelande till mottagarna",
    "dischargeform.not_ready.submit": "Patienten är inte längre utskrivningsklar",
    "dischargeform.sip_need.title": "Behov av SIP",
    "dischargeform.sip_need.legend": "Behövs en SIP?",
    "dischargeform.sip_need.hint": (
        "Utan bedömning: ja när både regionen och kommunen tar emot patienten. Nej till exempel när personen inte "
        "samtycker."
    ),
    "dischargeform.sip_need.yes": "Ja, en SIP behövs",
    "dischargeform.sip_need.no": "Nej, ingen SIP",
    "dischargeform.sip_need.submit": "Spara bedömningen",
    "dischargeform.sip.title": "Skicka kallelse till SIP",
    "dischargeform.sip.text": (
        "Kallelsen går till de andra mottagande enheterna och skapar SIP:en med mötet och den fasta vårdkontakten."
    ),
    "dischargeform.sip.when": "När hålls SIP-mötet?",
    "dischargeform.sip.place": "Plats",
    "dischargeform.sip.link": "Videolänk",
    "dischargeform.sip.link_hint": "https://… om mötet hålls på video.",
    "dischargeform.sip.note": "Meddelande till de kallade",
    "dischargeform.sip.submit": "Skicka kallelsen",
    "dischargeform.transfer.title": "Informationsöverföring",
    "dischargeform.transfer.note": "Information till mottagarna",
    "dischargeform.transfer.hint": "Det mottagarna behöver, senast på utskrivningsdagen.",
    "dischargeform.transfer.submit": "Överför informationen",
    "dischargeform.discharge.title": "Skriv ut patienten",
    "dischargeform.discharge.when": "När skrevs patienten ut?",
    "dischargeform.discharge.hint": "Lämna tomt för just nu.",
    "dischargeform.discharge.submit": "Patienten är utskriven",
    "dischargeform.informed.title": "Patienten informerad",
    "dischargeform.informed.text": (
        "Patienten har fått veta vem den fasta vårdkontakten är och när SIP-mötet är (patientlagen 3 kap. 2 b §). "
        "Hen ser det också under Min utskrivning."
    ),
    "dischargeform.informed.submit": "Patienten är informerad",
    "dischargeform.cancel.title": "Makulera processen",
    "dischargeform.cancel.text": "Till exempel om processen registrerades av misstag. Kommunen betalar aldrig för den.",
    "dischargeform.cancel.note": "Varför makuleras processen?",
    "dischargeform.cancel.submit": "Makulera processen",
    "dischargeform.interrupt.title": "Avbryt processen",
    "dischargeform.interrupt.reason": "Varför avbryts processen?",
    "dischargeform.interrupt.note": "Meddelande till mottagarna",
    "dischargeform.interrupt.submit": "Avbryt processen",
    "dischargeform.error_title": "Det finns fel i formuläret",
    "dischargeform.identifier_required": "Skriv personnumret.",
    "dischargeform.estimate_required": "Skriv beräknat utskrivningsdatum.",
    "dischargeform.unit_required": "Välj en enhet.",
    "dischargeform.staff_required": "Välj vem som blir fast vårdkontakt.",
    "dischargeform.sip_required": "Skriv dag och klockslag för SIP-mötet.",
    "dischargeform.reason_required": "Välj varför processen avbryts.",
    "dischargeform.sip_need_required": "Välj ja eller nej.",
    # the payment report page
    "dischargepay.title": "Betalningsansvar",
    "dischargepay.intro": (
        "Dagar och belopp som kommunen betalar för sina invånare som är utskrivningsklara men kvar på sjukhus, "
        "per månad, enligt överenskommelsen som gällde månadens första dag (lag 2017:612). Varje patientrad "
        "loggas; en rad du inte får se med personuppgifter visas med processnummer."
    ),
    "dischargepay.form_title": "Välj kommun och månad",
    "dischargepay.municipality": "Kommun",
    "dischargepay.municipality_empty": "Välj en kommun",
    "dischargepay.month": "Månad",
    "dischargepay.month_hint": "ÅÅÅÅ-MM, till exempel 2026-11.",
    "dischargepay.submit": "Visa rapporten",
    "dischargepay.municipality_required": "Välj en kommun.",
    "dischargepay.month_invalid": "Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-11.",
    "dischargepay.no_municipalities": (
        "Rapporten visas för personal hos kommunen och regionen som avräkningen gäller. Din enhet hör inte till "
        "någon av dem."
    ),
    "dischargepay.report_title": "{municipality}, {month}",
    "dischargepay.preliminary": "Preliminär: månaden är inte slut, siffrorna kan ändras. Beräknad {as_of}.",
    "dischargepay.complete": "Månaden är slut. Beräknad {as_of} ur de registrerade processerna.",
    "dischargepay.agreement": "Överenskommelse: {name} (gäller från {valid_from}).",
    "dischargepay.model": "Modell: {model}.",
    "dischargepay.limit.per_patient": "Fria dagar efter underrättelsen om utskrivningsklar: {days}.",
    "dischargepay.limit.monthly_average": "Kommunen betalar när månadens medelvärde överstiger {days} dagar.",
    "dischargepay.amount": "Belopp per dag {year}: {amount} kr. Källa: {source}.",
    "dischargepay.limit.psychiatric": "I psykiatrisk vård: {days} fria dagar.",
    "dischargepay.amount_unknown_title": "Beloppet per dag är inte känt",
    "dischargepay.summary_caption": "Sammanställning för {municipality}",
    "dischargepay.summary.counted_days": "Utskrivningsklara dagar",
    "dischargepay.summary.episodes": "Vårdtillfällen i medelvärdet",
    "dischargepay.summary.average": "Medelvärde dagar",
    "dischargepay.summary.payable_days": "Betalningsdagar",
    "dischargepay.summary.kronor": "Belopp",
    "dischargepay.patients_caption": "Patienter i {municipality}, {month}",
    "dischargepay.col.patient": "Patient",
    "dischargepay.col.pays": "Kommunen betalar",
    "dischargepay.col.admitted": "Inskriven",
    "dischargepay.col.notice": "Inskrivningsmeddelande",
    "dischargepay.col.ready": "Utskrivningsklar",
    "dischargepay.col.not_ready": "Inte längre klar",
    "dischargepay.col.ended": "Utskriven eller avslutad",
    "dischargepay.col.free_days": "Fria dagar",
    "dischargepay.col.payable_days": "Betalningsdagar",
    "dischargepay.col.kronor": "Belopp",
    "dischargepay.total": "Summa",
    "dischargepay.kronor": "{amount} kr",
    "dischargepay.none": "Ingen invånare i {municipality} var utskrivningsklar på sjukhus under {month}.",
    "dischargepay.trail_summary": "Dagarna för {patient}",
    "dischargepay.trail_caption": "Dag för dag: {patient}",
    "dischargepay.trail.day": "Datum",
    "dischargepay.trail.kind": "Slag av dag",
    "dischargepay.trail.period": "Period",
    "dischargepay.trail.kronor": "Belopp",
    "dischargepay.downloads": "Ladda ner",
    "dischargepay.download.patients": "Patienter (CSV)",
    "dischargepay.download.days": "Dagar (CSV)",
    "dischargepay.download.summary": "Sammanställning (CSV)",
    "dischargepay.download.xlsx": "Hela rapporten (XLSX)",
    "dischargepay.download_note": "Varje nedladdning loggas som export för varje patient.",
    # the resident's Min utskrivning
    "minutskrivning.title": "Min utskrivning",
    "minutskrivning.intro": (
        "När du skrivs ut från sjukhuset ska du få veta vem som är din fasta vårdkontakt och när mötet om din "
        "samordnade individuella plan (SIP) är."
    ),
    "minutskrivning.none": "Du har ingen utskrivning från sjukhus registrerad här.",
    "minutskrivning.live_label": "Min utskrivning",
    "minutskrivning.from": "Från {ward}",
    "minutskrivning.from_hospital": "Från {ward}, {hospital}",
    "minutskrivning.phase": "Läge",
    "minutskrivning.admitted": "Inskriven",
    "minutskrivning.estimate": "Beräknat utskrivningsdatum",
    "minutskrivning.discharged": "Utskriven",
    "minutskrivning.contact_title": "Din fasta vårdkontakt",
    "minutskrivning.contact": "{name}, {profession}",
    "minutskrivning.contact_unit": "{unit}",
    "minutskrivning.contact_phone": "Telefon: {phone}",
    "minutskrivning.no_contact": (
        "Din fasta vårdkontakt är inte utsedd ännu. Vårdcentralen utser någon innan du skrivs ut."
    ),
    "minutskrivning.sip_title": "Ditt SIP-möte",
    "minutskrivning.sip_at": "{when}",
    "minutskrivning.sip_link": "Se din SIP",
    "minutskrivning.no_sip": "Inget SIP-möte är bokat ännu.",
    "minutskrivning.urgent": "Är det bråttom? Ring din vårdcentral eller 1177.",
}
