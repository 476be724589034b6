"""``{% deadline_summary case %}``: the engine's deadlines of a case, one line each, for lists."""

from django import template

from portal.sla.templatetags.sla import deadlines

register = template.Library()

# The engine's own reading of the deadlines, in the compact form a table cell needs.
register.inclusion_tag("complaints/_deadlines.html", takes_context=True, name="deadline_summary")(
    deadlines
)
