"""Access to person data under PDL and lag (2022:913) (DOMAIN §5): care relationships, consent, spärr,
nödåtkomst and the audit log."""

from nara.access import messages as _messages  # noqa: F401  (registers the access texts in the catalogue)
