"""The access policy's public face (DOMAIN.md §5): every read and write of person data is asked here and logged
(guard); the use cases that change who may see what — care relationships, consents, spärrar, nödåtkomst (grants);
the person's data as the API and the pages read it (person); and the care relationships, consents and spärrar as
other parts need them (reads); the person's own consents and spärrar (resident)."""

from nara.access.service.grants import (
    end_care_relationship,
    expire_with_source,
    give_consent,
    mark_emergency_reviewed,
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
    emergencies_started,
    emergency,
    has_consent_for_plan,
    provider_blocked_plan,
    relationship_kinds_at,
    relationships_registered,
)
from nara.access.service.resident import (
    BlockLine,
    ConsentLine,
    MyBlocks,
    MyConsents,
    ProviderChoice,
    UnitChoice,
    give_my_consent,
    my_blocks,
    my_consents,
    person_of,
    revoke_my_consent,
    set_my_block,
)

__all__ = [
    "AccessDenied", "BlockLine", "ConsentLine", "MyBlocks", "MyConsents", "Owner", "PieceDecisions", "ProviderChoice",
    "UnitChoice", "authorize", "authorize_pieces", "blocked_notice", "blocked_notices", "conclude",
    "current_relationships", "emergencies_of", "emergencies_started", "emergency", "emergency_offers",
    "end_care_relationship", "evaluate", "expire_with_source", "give_consent", "give_my_consent",
    "has_consent_for_plan", "mark_emergency_reviewed", "my_blocks", "my_consents", "person_of",
    "provider_blocked_plan", "relationship_kinds_at", "relationships_registered", "revoke_my_consent", "set_my_block",
    "start_care_relationship",
]
