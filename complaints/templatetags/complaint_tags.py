"""``{% deadline_summary case %}``: the engine's deadlines of a case, one line each, for lists."""

from django import template

from portal.sla.templatetags.sla import deadline_summary

register = template.Library()

# The engine's own reading of the deadlines, in the compact form a table cell needs.
register.simple_tag(takes_context=True, name="deadline_summary")(deadline_summary)
