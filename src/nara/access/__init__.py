"""Access to person data under PDL and lag (2022:913) (DOMAIN.md §5): care relationships, consent, spärr,
nödåtkomst and the role profiles."""
