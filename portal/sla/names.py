"""How a deadline is named to people: by its rule's name and what the rule promises, never
by its code. Codes belong to the API, the CSV and the audit trail.

Templates use these as filters (``{% load sla %}{{ clock|deadline_name }}``); forms, error
messages and emails call them directly.
"""

from portal.sla.models import ServiceLevel

IN_A_SENTENCE = "in a sentence"


def _rule(deadline) -> ServiceLevel:
    # A clock, a figures row or anything else that measures against a rule names it.
    return deadline if isinstance(deadline, ServiceLevel) else deadline.service_level


def deadline_name(deadline, use: str = "") -> str:
    """A deadline's name as people say it: "Acknowledge a complaint".

    ``use="in a sentence"`` drops the capital of the first word, so that it reads inside a
    sentence ("the deadline to acknowledge a complaint"), but keeps an abbreviation's
    ("QA evidence").
    """
    if use not in ("", IN_A_SENTENCE):
        raise ValueError(f"Name a deadline as it stands or {IN_A_SENTENCE!r}, not {use!r}.")
    name = _rule(deadline).name
    first = name.split(" ", 1)[0]
    if use and not (len(first) > 1 and first.isupper()):
        return name[:1].lower() + name[1:]
    return name


def deadline_promise(deadline) -> str:
    """What a deadline promises, as the charter puts it: "within 2 working days", or the
    charter's own words for a rule without a fixed limit ("in April")."""
    rule = _rule(deadline)
    if rule.limit_value is None and rule.limit_text:
        return rule.limit_text
    return rule.promise


def deadline_called(code: str) -> str:
    """The deadline of ``code`` inside a sentence, for messages that know only the code:
    "deadline to respond to a complaint"."""
    rule = ServiceLevel.objects.filter(code=code).order_by("-active").first()
    # A code no charter has is the caller's mistake; naming it is the most useful answer.
    if rule is None:
        return f"{code} deadline"
    return f"deadline to {deadline_name(rule, IN_A_SENTENCE)}"
