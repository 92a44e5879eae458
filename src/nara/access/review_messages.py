"""Swedish texts of log follow-up and the person's own access pages, merged into the one catalogue on import."""

from __future__ import annotations

from nara.auth.messages import merge_messages
from nara.core.i18n import SV

MESSAGES: dict[str, str] = {
    # errors
    "review.period.invalid": "Ange perioden som ÅÅÅÅ-MM, till exempel 2026-11.",
    "review.item.not_found": "Granskningsposten finns inte.",
    "review.item.closed": "Posten är redan granskad och stängd.",
    "review.verdict.unknown": "Välj en bedömning.",
    "review.verdict.comment_required": "Skriv en kommentar: den behövs när åtkomsten inte bedöms som godtagbar.",
    "review.verdict.comment_invalid": "Kommentaren innehåller tecken som inte kan sparas.",
    "review.verdict.comment_too_long": "Kommentaren får vara högst 4000 tecken.",
    "resident.no_person": "Ditt konto är inte kopplat till någon person.",
    "resident.consent.exists": "Du har redan ett samtycke som gäller för {provider}.",
    "resident.consent.provider_missing": "Välj en vårdgivare.",
    "resident.block.fields_missing": "Välj verksamhet, typ av spärr och vilken information som ska spärras.",
    # verdicts and reasons
    "review.verdict.godtagbar": "Godtagbar",
    "review.verdict.behover_utredas": "Behöver utredas",
    "review.verdict.otillaten": "Otillåten",
    "review.reason.stickprov": "Stickprov",
    "review.reason.nodatkomst": "Nödåtkomst",
    "review.reason.skyddad_identitet": "Skyddad identitet",
    "review.reason.manga_medarbetare": "Många medarbetare",
    "review.action.read": "Läste",
    "review.action.search": "Sökte",
    "review.action.create": "Registrerade",
    "review.action.write": "Ändrade",
    "review.action.delete": "Tog bort",
    "review.action.export": "Exporterade",
    "review.action.print": "Skrev ut",
    "review.action.emergency_access": "Öppnade med nödåtkomst",
    "review.relationship.listing": "listning",
    "review.relationship.sabo": "boende på SäBo",
    "review.relationship.admission": "inskrivning",
    "review.relationship.care_team": "vårdteam",
    "review.relationship.sip": "SIP",
    "review.relationship.assignment": "uppdrag",
    # reviewer pages
    "review.title": "Logguppföljning",
    "review.intro": (
        "Återkommande kontroller av vem som har tagit del av patientuppgifter, som dokumenteras "
        "(HSLF-FS 2016:40, 4 kap.). Kön byggs per månad."
    ),
    "review.period_label": "Månad",
    "review.period_submit": "Visa kön",
    "review.queue_title": "Kö för {period}",
    "review.counts": "{open} att granska, {closed} granskade.",
    "review.rules_title": "Så väljs posterna",
    "review.rule.sample": (
        "Stickprov: 1 % av månadens åtkomster, minst {min} och högst {max}, slumpat så att samma månad alltid "
        "ger samma urval."
    ),
    "review.rule.sample_drawn": "Stickprovet för månaden är draget: {size} av {population} åtkomster.",
    "review.rule.sample_pending": "Stickprovet dras när månaden är slut ({date}).",
    "review.rule.emergency": "Varje nödåtkomst.",
    "review.rule.protected": "Varje åtkomst till en person med skyddad identitet.",
    "review.rule.many_staff": "Personer som öppnats av minst {threshold} olika medarbetare under månaden.",
    "review.table_label": "Poster i kön, tabell",
    "review.empty": "Inga poster att granska för månaden.",
    "review.col.when": "Tidpunkt",
    "review.col.reason": "Varför",
    "review.col.who": "Medarbetare",
    "review.col.unit": "Enhet",
    "review.col.status": "Status",
    "review.col.what": "Vad",
    "review.status.open": "Att granska",
    "review.open_item": "Granska",
    "review.open_item_label": "Granska post {id}",
    "review.item_title": "Granskning av post {id}",
    "review.back_to_queue": "Tillbaka till kön",
    "review.item.reasons": "Varför posten granskas",
    "review.item.access": "Åtkomsten",
    "review.item.person": "Person",
    "review.item.protected": "Skyddad identitet (adress visas inte)",
    "review.item.staff": "Medarbetare",
    "review.item.unit": "Enhet",
    "review.item.provider": "Vårdgivare",
    "review.item.when": "Tidpunkt",
    "review.item.action": "Vad",
    "review.item.category": "Information",
    "review.item.resource": "Post",
    "review.item.purpose": "Ändamål",
    "review.item.relationship": "Enhetens vårdrelation vid tillfället",
    "review.item.no_relationship": "ingen",
    "review.item.emergency": "Nödåtkomst",
    "review.item.emergency_reason": "Angivet skäl",
    "review.item.emergency_period": "Gällde",
    "review.item.context": "Medarbetarens åtkomster till personen under perioden",
    "review.item.staff_list": "Medarbetare som öppnat personen under månaden",
    "review.item.count": "Antal åtkomster",
    "review.item.count_staff": "{n} olika medarbetare",
    "review.verdict_title": "Bedömning",
    "review.verdict_legend": "Hur bedömer du åtkomsten?",
    "review.comment": "Kommentar",
    "review.comment_hint": "Krävs om åtkomsten inte är godtagbar. Skriv inte in fler personuppgifter än nödvändigt.",
    "review.submit": "Spara bedömning och stäng posten",
    "review.saved": "Bedömningen är sparad och posten är stängd.",
    "review.reviewed_by": "Granskad {date} av {name}.",
    # resident pages
    "resident.nav.log": "Vem har läst om mig",
    "resident.nav.consents": "Mina samtycken",
    "resident.nav.blocks": "Mina spärrar",
    "resident.access_title": "Dina uppgifter och vem som ser dem",
    "resident.log.title": "Vem har läst om mig",
    "resident.log.intro": (
        "Här ser du vilka inom vården och omsorgen som har tagit del av dina uppgifter i Nära: när, vid vilken "
        "enhet och vårdgivare, vem och vilken sorts information. Du har rätt att få veta det, så att du kan "
        "bedöma om det var befogat."
    ),
    "resident.log.question": (
        "Tycker du att någon har läst om dig utan anledning? Kontakta vårdgivaren. Varje vårdgivare följer "
        "upp sina loggar."
    ),
    "resident.log.empty": "Ingen annan har tagit del av dina uppgifter ännu.",
    "resident.log.count": "{total} åtkomster, de senaste först.",
    "resident.log.emergency": "Nödåtkomst",
    "resident.log.emergency_reason": "Skäl som angavs",
    "resident.log.emergency_explained": (
        "Nödåtkomst används när någon behöver dina uppgifter akut, till exempel när du inte kan svara själv. "
        "Den är tidsbegränsad och granskas alltid i efterhand."
    ),
    "resident.log.who": "Vem",
    "resident.log.where": "Var",
    "resident.log.what": "Vad",
    "resident.log.review": "Logguppföljning (granskning av loggen)",
    "resident.log.older": "Äldre åtkomster",
    "resident.log.newer": "Nyare åtkomster",
    "resident.log.page_nav": "Sidor i loggen",
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

merge_messages(SV, MESSAGES)
