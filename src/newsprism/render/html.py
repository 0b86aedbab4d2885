"""brief.html: a self-contained page (no network needed to open it)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from newsprism.model import Brief


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("newsprism.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(brief: Brief) -> str:
    return _environment().get_template("brief.html.j2").render(brief=brief)
