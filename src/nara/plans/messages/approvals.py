"""Swedish texts of a Patientkontrakt change approved by the principal whose commitments it alters
(nara.plans.model.approvals): errors, values, the plan page's part, notifications."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # errors
    "plans.approval.contract_only": (
        "Det här gäller ändringar i ett patientkontrakt. En SIP godkänns av alla parter på SIP-sidan."
    ),
    "plans.approval.staff_only": "Ändringen godkänns av den ansvariga personalen hos den huvudman som berörs.",
    "plans.approval.plan_ended": "Patientkontraktet är avslutat. Öppna det igen för att svara på ändringar.",
    "plans.approval.nothing_waiting": (
        "Inget i planen väntar på godkännande av din vårdgivare. Någon annan kan redan ha svarat: öppna planen "
        "igen."
    ),
    "plans.approval.reason_required": (
        "Skriv varför ni avböjer ändringen, så att den som gjorde den vet vad som gäller."
    ),
    "plans.approval.reason_invalid": "Skälet är för långt eller innehåller tecken som inte kan sparas.",
    # the readable difference between versions
    "plans.section.commitment_approvals": "Godkännande av ändrad aktivitet",
    "plans.diff.changed.commitment_approvals": "{what}: {title}",
    "plans.field.approval": "godkännande",
    "plans.value.vantar": "väntar på godkännande",
    "plans.value.godkand": "godkänd",
    "plans.value.tillagd": "ny aktivitet",
    "plans.value.andrad": "ändrad aktivitet",
    "plans.value.flyttad": "flyttad till någon annan",
    "plans.value.borttagen": "borttagen aktivitet",
    # notifications: the plan and that an approval is asked or answered, never the content
    "notify.approval_requested": (
        "Patientkontrakt {plan_id}: en ändring av en aktivitet som din enhet ansvarar för väntar på er "
        "vårdgivares godkännande."
    ),
    "notify.approval_godkand": "Patientkontrakt {plan_id}: en ändring som din enhet gjorde av en aktivitet är godkänd.",
    "notify.approval_avbojd": (
        "Patientkontrakt {plan_id}: en ändring som din enhet gjorde av en aktivitet är avböjd. Öppna planen för att "
        "se varför."
    ),
    "notify.what.approval_requested": "En ändring väntar på godkännande",
    "notify.what.approval_answered": "Svar på en ändring",
    # the plan page and Min plan (plan_change_approval.html)
    "planpage.approval.title": "Ändringar som väntar på godkännande",
    "planpage.approval.help": (
        "När en vårdgivare lägger till, ändrar, flyttar eller tar bort en aktivitet som en annan huvudmans enhet "
        "ansvarar för, godkänner den huvudmannen ändringen."
    ),
    "planpage.approval.waiting_for": "Väntar på godkännande av {who}",
    "planpage.approval.change": "{change}, gjord av {by} {when} (version {version}).",
    "planpage.approval.reopened": "En senare ändring öppnade godkännandet igen.",
    "planpage.approval.answered_title": "Besvarade ändringar",
    "planpage.approval.approved_by": "Godkänd av {who} {when}",
    "planpage.approval.declined_by": "Avböjd av {who} {when}",
    "planpage.approval.reason": "Skäl: {reason}",
    "planpage.approval.form_title": "Ert svar för {who}",
    "planpage.approval.form_help": "Svaret gäller alla ändringar ovan som väntar på {who}, så som planen ser ut nu.",
    "planpage.approval.reason_label": "Skäl om ni avböjer",
    "planpage.approval.reason_hint": "Krävs för att avböja. Den som gjorde ändringen får veta att den är avböjd.",
    "planpage.approval.approve": "Godkänn ändringen",
    "planpage.approval.decline": "Avböj",
    "planpage.saved.andring-godkand": "Ändringen är godkänd. Den som gjorde den har fått besked.",
    "planpage.saved.andring-avbojd": "Ändringen är avböjd. Den som gjorde den har fått besked om varför.",
    "minplan.approval.title": "Ändringar som väntar på godkännande",
    "minplan.approval.help": (
        "En ändring av vad en enhet ska göra för dig väntar på att den enhetens huvudman godkänner den."
    ),
}
