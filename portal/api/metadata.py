"""What ``OPTIONS`` answers on the API: DRF's description of a view, without asking a list
route (``detail=False``, such as ``/notifications/preferences/``) for the one object only a
detail route names. DRF's own metadata does, for any view that takes PUT, and fails with a
server error on a list route."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request, clone_request

if TYPE_CHECKING:  # DRF's views import this module through its settings
    from rest_framework.views import APIView


class PortalMetadata(SimpleMetadata):
    def determine_actions(self, request: Request, view: "APIView") -> dict[str, Any]:
        actions = {}
        for method in sorted({"PUT", "POST"} & set(view.allowed_methods)):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
                # An object's permissions, where the route names one.
                if (
                    method == "PUT"
                    and getattr(view, "detail", True)
                    and hasattr(view, "get_object")
                ):
                    view.get_object()
            except (exceptions.APIException, PermissionDenied, Http404):
                pass
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())  # type: ignore[attr-defined]
            finally:
                view.request = request
        return actions
