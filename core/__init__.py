"""baogong core: the domain library (no Textual, no Rich)."""
