"""Swedish texts of the outreach part (e-mail and SMS notices, the preferences page, calendar files)."""

MESSAGES: dict[str, str] = {
    # The notice itself: the same for every event, with neither name nor health information (DOMAIN §5).
    "outreach.notice.subject": "Du har ett nytt meddelande i Nära",
    "outreach.notice.body": "Du har ett nytt meddelande i Nära. Logga in för att läsa det.",
    "outreach.notice.link": "Logga in: {url}",
    "outreach.notice.footer": "Det här meddelandet går inte att svara på. Du ändrar dina aviseringar under "
                              "Aviseringar på Min sida.",
    # The preferences page
    "outreach.nav": "Aviseringar",
    "outreach.page.title": "Aviseringar",
    "outreach.page.intro": "Här väljer du om Nära ska meddela dig via e-post eller sms när något nytt finns att "
                           "läsa. Meddelandet säger aldrig vad det gäller – du loggar in för att läsa.",
    "outreach.page.saved": "Dina val för aviseringar är sparade.",
    "outreach.field.email": "E-postadress",
    "outreach.field.email_hint": "Till exempel namn@exempel.se. Lämna tomt om du inte vill ha e-post.",
    "outreach.field.sms": "Mobilnummer för sms",
    "outreach.field.sms_hint": "Till exempel 070-123 45 67. Lämna tomt om du inte vill ha sms.",
    "outreach.field.events": "Meddela mig när",
    "outreach.event.new_message": "jag har fått ett nytt meddelande",
    "outreach.event.changed_time": "en tid har bokats, flyttats eller avbokats",
    "outreach.event.plan_change": "min plan har ändrats",
    "outreach.button.save": "Spara",
    "outreach.error.email_invalid": "Skriv en e-postadress som namn@exempel.se.",
    "outreach.error.sms_invalid": "Skriv ett svenskt mobilnummer, till exempel 070-123 45 67.",
    "outreach.error.events_without_address": "Skriv en e-postadress eller ett mobilnummer för att få aviseringar.",
    "outreach.calendar.title": "Kalender",
    "outreach.calendar.intro": "Hämta dina överenskomna tider som en kalenderfil och öppna den i din kalender.",
    "outreach.calendar.link": "Hämta kalenderfil med mina tider",
    # Calendar files
    "outreach.ics.name_person": "Mina tider i Nära",
    "outreach.ics.name_staff": "Enhetens tider i Nära",
    "outreach.ics.time": "Överenskommen tid med {with_whom}",
    "outreach.ics.time_staff": "Överenskommen tid, plan {plan_id}",
    "outreach.ics.sip": "SIP-möte",
    "outreach.ics.sip_staff": "SIP-möte, plan {plan_id}",
    "outreach.ics.video": "Digitalt vårdmöte: {link}",
    "outreach.ics.more": "Mer i Nära: {url}",
    # The operator's command
    "outreach.cli.status_title": "Utskick",
    "outreach.cli.failed_title": "Misslyckade utskick (ligger kvar)",
    "outreach.cli.sent": "Skickade: {sent}, försöks igen senare: {retry}, misslyckade: {failed}.",
    "outreach.cli.nothing": "Inget att skicka.",
    "outreach.cli.requeued": "{count} misslyckade utskick läggs i kö igen.",
    "outreach.status.pending": "väntar",
    "outreach.status.sent": "skickat",
    "outreach.status.failed": "misslyckat",
    "outreach.channel.email": "e-post",
    "outreach.channel.sms": "sms",
}
