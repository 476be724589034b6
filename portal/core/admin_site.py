from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.db.models.base import ModelBase
from django.shortcuts import redirect
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language

from portal.addresses import ByFirstPart
from portal.changelists import (
    EstimatedCountPaginator,
    estimated_paginator,
    indexed_columns,
    search_through_indexes,
)


class PortalAdminSite(admin.AdminSite):
    """The staff back office: opens only to staff who have passed two-factor sign-in."""

    site_header = "Exams Portal: staff"
    site_title = "Exams Portal staff"
    index_title = "Review queues"
    # As the portal's own lists (results, cases) and the API's pages.
    ROWS_A_PAGE = 50

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every list of the staff area is counted without a full ``count(*)`` where an
        estimate serves (``portal.changelists``): no "N total" link that counts the
        whole table beside a filtered list, and a bounded count, then the estimate; and it
        is sorted only by the columns an index serves; its search box finds a centre's number
        or a case's reference through their indexes; and it shows fifty rows a page, as the
        portal's own lists do, where Django's hundred doubled the writing of every page. A
        ModelAdmin that sets its own ``paginator``, ``sortable_by``, ``get_search_results``
        or ``list_per_page`` keeps it."""
        admin_class = admin_class or admin.ModelAdmin
        options.setdefault("show_full_result_count", False)
        own = (k for k in admin_class.__mro__ if k not in admin.ModelAdmin.__mro__)
        if not any("list_per_page" in vars(k) for k in own):
            options.setdefault("list_per_page", self.ROWS_A_PAGE)
        if admin_class.paginator is admin.ModelAdmin.paginator:
            options.setdefault("paginator", EstimatedCountPaginator)
            if admin_class.get_paginator is admin.ModelAdmin.get_paginator:
                options.setdefault("get_paginator", estimated_paginator)
        if admin_class.get_search_results is admin.ModelAdmin.get_search_results:
            options.setdefault("get_search_results", search_through_indexes)
        if isinstance(model_or_iterable, ModelBase):
            model_or_iterable = [model_or_iterable]
        for model in model_or_iterable:
            sortable = {}
            if admin_class.sortable_by is None and "sortable_by" not in options:
                sortable["sortable_by"] = indexed_columns(model, admin_class)
            super().register(model, admin_class, **options, **sortable)

    def get_urls(self):
        """Django's, found by the first part of the address (``portal.addresses``): some
        sixty models' includes are not tried in turn for every row of a filtered list."""
        return [ByFirstPart(super().get_urls())]

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    # The models a person may open, kept for each set of permissions a person can hold (a
    # role's, or a few roles'): building the list asks each of some sixty model admins about
    # the person and reverses two URLs for each, a fifth of an admin page's time. No model
    # admin of the portal decides on anything but the person's permissions for this list.
    APP_LISTS_KEPT = 256

    def get_app_list(self, request, app_label=None):
        return self._kept(
            self._app_lists,
            (app_label, *self._holding(request)),
            lambda: super(PortalAdminSite, self).get_app_list(request, app_label),
        )

    def nav_sidebar(self, request, app_list) -> str:
        """The sidebar of every staff page (Django's ``admin/nav_sidebar.html``), rendered
        once for each set of permissions, language and the model the page is of: only
        those change it (the page's own model is marked as the current one)."""
        path = urlencode(request.path)
        here = frozenset(
            url
            for app in app_list
            for url in (app["app_url"], *(model.get("admin_url") for model in app["models"]))
            if url and url in path
        )
        return self._kept(
            self._sidebars,
            (get_language(), here, *self._holding(request)),
            lambda: render_to_string(
                "admin/nav_sidebar_drawn.html", {"available_apps": app_list, "request": request}
            ),
        )

    @staticmethod
    def _holding(request) -> tuple:
        return (request.user.is_superuser, frozenset(request.user.get_all_permissions()))

    def _kept(self, kept: dict, key: tuple, make):
        found = kept.get(key)
        if found is None:
            found = make()
            if len(kept) >= self.APP_LISTS_KEPT:
                kept.clear()
            kept[key] = found
        return found

    @cached_property
    def _app_lists(self) -> dict:
        return {}

    @cached_property
    def _sidebars(self) -> dict:
        return {}

    def forget_app_lists(self) -> None:
        self._app_lists.clear()
        self._sidebars.clear()

    def login(self, request, extra_context=None):
        # Staff who have not passed two-factor sign-in never get here: the
        # StaffTwoFactorMiddleware sends them to it first.
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated:
            messages.error(request, "The review queues are for awarding-body staff only.")
            return redirect("home")
        return redirect(f"{reverse('accounts:login')}?next={next_url}")


class PortalAdminConfig(AdminConfig):
    default_site = "portal.core.admin_site.PortalAdminSite"
