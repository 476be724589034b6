from rest_framework.permissions import BasePermission

from portal.permissions import is_staff_user


class IsStaff(BasePermission):
    message = "Only awarding-body staff may do this."

    def has_permission(self, request, view):
        return is_staff_user(request.user)
