"""Use cases of the discharge process, lag (2017:612) om samverkan vid utskrivning (DOMAIN §4), on the pure core
(nara.discharge.model.process, .deadlines, .agreement, .payment) and the Patientkontrakt/SIP service (nara.plans).

Every function takes the caller's session (its unit of work), the :class:`~nara.core.actor.Actor` and the injected
:class:`~nara.core.clock.Clock`; the caller commits (``with db.transaction() as s``). Writes also take
:class:`Outlets`: the live ``broker`` (``request.app.state.live``; None announces nothing) and the ``notifier``
(nara.plans.service; in-app by default).

The package, by concept: :mod:`.steps` (opening and the steps), :mod:`.sip` (the SIP hand-over to plans),
:mod:`.receivers` (who receives, care relationships), :mod:`.recording` (storing events, notifications, live),
:mod:`.reading` (the process, worklists, the resident's view), :mod:`.escalation`, :mod:`.payment` (the payment
report), :mod:`.followup` (the S2–S4 feed), :mod:`.choices` (what the pages offer), :mod:`.results` and
:mod:`.common`. This module re-exports the public names: callers import ``nara.discharge.service``.

The process, step by step (function — who):

- :func:`open_process` — the ward (a unit of kind vårdavdelning): admission; with an ``estimated_discharge`` it
  sends the inskrivningsmeddelande at once.
- :func:`record_needs_assessed` — the ward: the later judgement that the patient may need interventions (the
  24 hours of the inskrivningsmeddelande count from here).
- :func:`send_admission_notice` — the ward: inskrivningsmeddelande with the estimated discharge date, to the
  receivers found in the directory (:func:`find_receivers`: the vårdcentral the person is listed at; the home
  municipality's hemsjukvård, hemtjänst and biståndshandläggning; the SäBo where the person lives) or named.
- :func:`revise_estimate`, :func:`add_receivers`, :func:`document_planning` — the ward.
- :func:`appoint_care_contact` — the outpatient receiver (the vårdcentral): a fast vårdkontakt among its staff.
- :func:`mark_ready` / :func:`mark_not_ready` — the ward: utskrivningsklar, or ill again.
- :func:`assess_sip_need` — the ward or the outpatient receiver.
- :func:`send_sip_invitation` — the outpatient receiver: creates the SIP plan through
  :func:`nara.plans.service.create_plan` (``kind="sip"``) with invitations to the other receiving units, the
  meeting and the fast vårdkontakt; the plan's id is on the process (``sip_plan_id``).
- :func:`transfer_information`, :func:`discharge`, :func:`inform_patient` — the ward.
- :func:`cancel` (makulera) and :func:`interrupt` (died, transferred) — the ward; "ill again" is
  :func:`mark_not_ready`.
- :func:`acknowledge` / :func:`acknowledge_all` — a receiving unit gives its kvittens of a message.
- :func:`read_process`, :func:`worklist`, :func:`processes_for_person`, :func:`my_processes` (the resident: who
  the fast vårdkontakt is and when the SIP is), :func:`pending_acknowledgements`.
- :func:`payment_report`, :func:`payment_csv`, :func:`payment_xlsx` — betalningsansvar per municipality and month.
- :func:`sweep_escalations` — a scheduled job: notifies overdue steps and messages without kvittens once.

Deadlines come only from the agreement in force at admission for the home municipality's region
(nara.discharge.model.agreement; its key is stored on the process), never from code. Errors: NotFound (404),
:class:`~nara.access.service.AccessDenied` and Forbidden (403), InvalidTransition and Conflict (409),
ValidationFailed (422).

**Access (DOMAIN §5).** Every read and write asks :func:`nara.access.service.authorize` (category UTSKRIVNING,
resource ``("discharge", id)``), one audit entry per call; the worklist logs one SEARCH per process shown, like
the plan worklist. Whose record it is (``owner_provider_id``) follows this decision:

    Lag (2017:612) itself makes the information transfer between the parties lawful: the inskrivningsmeddelande,
    the utskrivningsklar notice, the kallelse and the information transfer are *sent* from one party's record
    and *delivered* into the receiving party's, which then holds its own copy (DOMAIN §4). Sammanhållen
    vård- och omsorgsdokumentation — direct access to another provider's record, which needs the person's
    consent (lag 2022:913, DOMAIN §5) — is not what happens. So the process's history is held by each party's
    care provider: the ward's provider (which recorded the process) and the provider of every receiving unit.

So staff of a party's care provider read the process as *their own provider's* record (owner = their provider):
the policy then asks for a care relationship of their unit — the ADMISSION relationship the process gives the
ward and each receiving unit, or one of the provider's own (a listing, a SäBo residence). Staff of any other
provider read the ward's provider's record and need relationship *and* consent — a unit that is not a party is
denied, and the denial is logged. Each write is recorded in the writer's own provider's record (owner = the
actor's provider); on top of the policy, what the step needs from the unit (the ward registers utskrivningsklar,
the outpatient receiver appoints the fast vårdkontakt, a receiver acknowledges) is checked after the policy and
refused with Forbidden (403). The resident reads their own processes (OWN_DATA); residents never write here.

**Care relationships.** Opening a process starts an ADMISSION relationship for the ward (a unit may start one
of its own, nara.access.model.starting_relationship), and adding receivers (with the inskrivningsmeddelande or
later) starts one for each, all with ``source_ref`` ``discharge:<id>``. They end when the process *closes*: it
has ended (completed: discharged and the patient informed; cancelled; interrupted), no step is still due and
every message has its kvittens — so a receiver can still read and acknowledge a late kallelse or the
cancellation. Those calls log their own entries.

**Live and notifications.** Every change announces ``utskrivning`` with ref ``discharge:<id>`` to the topics
``unit:<id>`` of the ward and every receiver, and separately to ``person:<id>`` (the resident's own stream), so
no topic list names a person to a unit; it is delivered on commit (nara.live). Each message notifies its
receiving units in the app (what kind of message, which process, from which unit — no person data); the
resident is told at :func:`inform_patient` who the fast vårdkontakt is and when the SIP is.

**Betalningsansvar.** Staff acting for a unit of the municipality's care provider or of its region's care
provider (the two parties of the settlement; nara.core.actor.Role.STAFF — roles carry no finer duties today) see
the report; anyone else gets Forbidden without an audit entry (no person data is touched). Each patient row
shown is one audit entry (READ for the JSON report, EXPORT for a download) through the policy as for reading the
process: a row the policy allows names the patient (personnummer and name), a row it denies — typically a
finished process, whose relationships have ended — is shown by process number only (a pseudonym) and the
denial stays in the log. The access policy has no administrative purpose (PDL 2 kap.) for invoicing yet; until
it has, that is how the report is both lawful and complete in its sums.
"""


from __future__ import annotations

from nara.discharge.service.choices import (
    MAX_CHOICES,
    RECEIVING_KINDS,
    PendingMessage,
    municipality_name,
    own_municipality,
    payment_municipalities,
    process_person,
    profession_label,
    receiver_choices,
    staff_choices,
    unacknowledged,
    ward_has_processes,
)
from nara.discharge.service.common import (
    BACKDATE_LIMIT,
    DEFAULT_NOTIFIER,
    ENDED_PHASES,
    LIVE_KIND,
    NOTE_MAX_LENGTH,
    PENDING,
    SOURCE_PREFIX,
    WARD_KINDS,
    WORKLIST_LIMIT,
    read_owner,
)
from nara.discharge.service.escalation import (
    sweep_escalations,
)
from nara.discharge.service.followup import DISCHARGE_PROCESSES, FILES, followup_tables, write_followup
from nara.discharge.service.payment import (
    PaymentAmountUnknown,
    payment_csv,
    payment_report,
    payment_xlsx,
)
from nara.discharge.service.reading import (
    may_open_process,
    my_processes,
    pending_acknowledgements,
    processes_for_person,
    read_process,
    worklist,
)
from nara.discharge.service.receivers import (
    find_receivers,
    receiver_role,
)
from nara.discharge.service.recording import Outlets, outlets_of
from nara.discharge.service.results import (
    AckOut,
    CareContactOut,
    EventOut,
    MessageOut,
    PaymentDayOut,
    PaymentMunicipalityOut,
    PaymentPatientOut,
    PaymentReportView,
    PaymentResult,
    PersonOut,
    ProcessSummary,
    ProcessView,
    ReceiverOut,
    ResidentProcessView,
    StepOut,
    UnitOut,
    WorkItem,
)
from nara.discharge.service.sip import (
    send_sip_invitation,
)
from nara.discharge.service.steps import (
    acknowledge,
    acknowledge_all,
    add_receivers,
    appoint_care_contact,
    assess_sip_need,
    cancel,
    discharge,
    document_planning,
    inform_patient,
    interrupt,
    mark_not_ready,
    mark_ready,
    open_process,
    record_needs_assessed,
    revise_estimate,
    send_admission_notice,
    transfer_information,
)
from nara.discharge.service.today import Deadline, DischargeToday, discharge_today

__all__ = [
    "BACKDATE_LIMIT",
    "DEFAULT_NOTIFIER",
    "DISCHARGE_PROCESSES",
    "ENDED_PHASES",
    "FILES",
    "LIVE_KIND",
    "MAX_CHOICES",
    "NOTE_MAX_LENGTH",
    "PENDING",
    "RECEIVING_KINDS",
    "SOURCE_PREFIX",
    "WARD_KINDS",
    "WORKLIST_LIMIT",
    "AckOut",
    "CareContactOut",
    "EventOut",
    "MessageOut",
    "Outlets",
    "PaymentAmountUnknown",
    "PaymentDayOut",
    "PaymentFile",
    "PaymentMunicipalityOut",
    "PaymentPatientOut",
    "PaymentReportView",
    "PaymentResult",
    "PendingMessage",
    "PersonOut",
    "ProcessSummary",
    "ProcessView",
    "ReceiverOut",
    "ResidentProcessView",
    "StepOut",
    "UnitOut",
    "WorkItem",
    "acknowledge",
    "acknowledge_all",
    "add_receivers",
    "appoint_care_contact",
    "assess_sip_need",
    "cancel",
    "discharge",
    "document_planning",
    "find_receivers",
    "followup_tables",
    "inform_patient",
    "interrupt",
    "mark_not_ready",
    "mark_ready",
    "municipality_name",
    "my_processes",
    "open_process",
    "outlets_of",
    "own_municipality",
    "payment_csv",
    "payment_municipalities",
    "payment_report",
    "payment_xlsx",
    "pending_acknowledgements",
    "process_person",
    "processes_for_person",
    "profession_label",
    "read_owner",
    "read_process",
    "receiver_choices",
    "receiver_role",
    "record_needs_assessed",
    "revise_estimate",
    "send_admission_notice",
    "send_sip_invitation",
    "staff_choices",
    "sweep_escalations",
    "transfer_information",
    "unacknowledged",
    "ward_has_processes",
    "worklist",
    "write_followup",
]
__all__ += ["Deadline", "DischargeToday", "discharge_today"]  # what the start page "Idag" reads
__all__ += ["may_open_process"]  # a link to a process page, e.g. from a notification (nara.plans)
