"""The access policy's public face (DOMAIN.md §5): every read and write of person data is asked here and logged
(guard); the use cases that change who may see what — care relationships, consents, spärrar, nödåtkomst (grants);
the person's data as the API and the pages read it (person); and the care relationships, consents and spärrar as
other parts need them (reads)."""

from nara.access.service.grants import (
    end_care_relationship,
    expire_with_source,
    give_consent,
    start_care_relationship,
)
from nara.access.service.guard import (
    AccessDenied,
    Owner,
    PieceDecisions,
    authorize,
    authorize_pieces,
    blocked_notice,
    blocked_notices,
    conclude,
    emergency_offers,
    evaluate,
)
from nara.access.service.reads import (
    current_relationships,
    emergencies_of,
    has_consent_for_plan,
    provider_blocked_plan,
)

__all__ = [
    "AccessDenied", "Owner", "PieceDecisions", "authorize", "authorize_pieces",
    "blocked_notice", "blocked_notices", "conclude", "current_relationships", "emergencies_of", "emergency_offers",
    "end_care_relationship", "evaluate", "expire_with_source", "give_consent", "has_consent_for_plan",
    "provider_blocked_plan", "start_care_relationship",
]
