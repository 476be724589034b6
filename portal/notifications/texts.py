"""Notice texts written as templates: the first line is the subject, the rest the body.

Texts are marked for translation and rendered in the portal's own language
(``LANGUAGE_CODE``), whatever language the request that made the step was read in: a notice
goes to several people, each of whom reads it in the portal's language.
"""

import re
from collections.abc import Sequence

from django.conf import settings
from django.template.loader import select_template
from django.utils import translation


def render_notice(names: str | Sequence[str], **context: object) -> tuple[str, str]:
    """The subject and body of the first of ``names`` (template names) that exists."""
    return subject_and_body(_render(names, context))


def render_text(names: str | Sequence[str], **context: object) -> str:
    """A text with no subject (a letter on a case's thread), as ``render_notice`` writes
    a body."""
    return _paragraphs(_render(names, context).strip().splitlines())


def _render(names: str | Sequence[str], context: dict[str, object]) -> str:
    template = select_template([names] if isinstance(names, str) else list(names))
    with translation.override(settings.LANGUAGE_CODE):
        return str(template.render(context))


def subject_and_body(text: str) -> tuple[str, str]:
    """Split a rendered notice: the first line (its spaces made single) and the rest."""
    lines = text.strip().splitlines()
    subject = " ".join(lines[0].split()) if lines else ""
    return subject, _paragraphs(lines[1:])


def _paragraphs(lines: list[str]) -> str:
    # Template tags on lines of their own leave blank lines: one blank line between
    # paragraphs is kept, more are not.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines).strip())
