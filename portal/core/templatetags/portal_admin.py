from django import template
from django.contrib import admin
from django.utils.safestring import SafeString, mark_safe

from portal.core.admin_site import PortalAdminSite

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_sidebar(context: template.Context) -> SafeString:
    """The staff area's sidebar, as ``PortalAdminSite.nav_sidebar`` keeps it."""
    site = admin.site
    assert isinstance(site, PortalAdminSite)
    drawn: str = site.nav_sidebar(context["request"], context.get("available_apps", []))
    return mark_safe(drawn)  # noqa: S308 rendered from Django's own templates, escaped there
