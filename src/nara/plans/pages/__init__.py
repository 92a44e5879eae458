"""The pages of the Patientkontrakt and SIP (DOMAIN §2–3, §5): for staff "Mina personer och planer" (the worklist),
a person's plans, the plan page, forms for goals, activities, self-care, the care team and agreed times, the history
with a readable difference and the guided SIP flow (:mod:`.staff`, :mod:`.elements`, :mod:`.sip`); the
notifications page (staff and residents); the resident's Min plan (:mod:`.resident`). Page support: the forms'
choices (:mod:`.choices`), a plan as a page shows it (:mod:`.plan_page`) and readable values (:mod:`.names`).

HTTP in, a call to nara.plans.service, a page out. Every read and write goes through the service, which asks the
access policy and logs; a denial shows the access pages' denial page (why, spärrar that exist, nödåtkomst where it
would open the plan). Pages show change links only where the policy would allow the change (one's own provider's
record, or the status of an activity one's unit is responsible for), and the policy decides again on every post.

Concurrency: every form carries the plan version it was based on. When the service answers that the
plan has moved on (PreconditionFailed), the form comes back with "Någon annan har ändrat planen", what changed
since that version, what is saved now beside what the user typed (kept in the form), and the current version in its
hidden field: saving again is a deliberate act, nothing is silently overwritten.
"""


from fastapi import APIRouter

from nara.plans.pages import approvals, elements, notifications, resident, sip, staff

router = APIRouter(include_in_schema=False)
# staff routes first, in the order they were written
for _part in (staff, elements, sip, resident, notifications, approvals):
    router.include_router(_part.router)

__all__ = ["router"]
