"""Swedish texts of the log-in part; the composition registers them (nara.parts)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "auth.username_invalid": (
        "Användarnamnet får bara innehålla små bokstäver a–z, siffror, punkt, bindestreck och understreck "
        "(2–64 tecken)."
    ),
    "auth.username_taken": "Användarnamnet är redan upptaget.",
    "auth.password_too_short": "Lösenordet måste ha minst {length} tecken.",
    "auth.unit_not_assigned": "Du har inget aktivt uppdrag på den enheten.",
    "auth.no_unit": "Du har inget aktivt uppdrag på någon enhet. Kontakta din chef eller administratör.",
    # the log-in page (nara.auth.pages)
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
    "web.logout.confirm": "Vill du logga ut? Tryck på knappen.",
    "auth.rate_limited": "För många inloggningsförsök från din uppkoppling. Försök igen om {minutes} minuter.",
}
