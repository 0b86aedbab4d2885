"""Renderers: brief.json (+ JSON Schema), brief.md and brief.html."""
