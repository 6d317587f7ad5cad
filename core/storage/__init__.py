"""Storage machinery every capability writes through: atomic writes and locks, the one reader of
desk files (links, sizes, kinds), TOML with line numbers, and the cattrs converter.

Nothing here knows what a case, a ledger or a level is."""
