"""Repeatable evaluations of the statistical stages against labelled data (used by bench/ and the CI floors)."""
