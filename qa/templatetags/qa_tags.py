"""``{% qa_deadlines case %}``: a request's deadlines, one line each, for lists."""

from django import template

from portal.sla.templatetags.sla import deadlines

register = template.Library()

register.inclusion_tag("qa/_deadline_lines.html", takes_context=True, name="qa_deadlines")(
    deadlines
)
