"""Who may do what with service levels and the office calendar (see portal/accounts/roles.py)."""

from portal.accounts.roles import DIRECTOR, EVERY_ROLE

PERMISSIONS = {
    # Every role sees the service levels, the closure days and the clocks of its cases.
    EVERY_ROLE: ["sla.view_servicelevel", "calendar.view_closureday", "sla.view_clock"],
    # The director answers for the charter and the office calendar.
    DIRECTOR: [
        "sla.change_servicelevel",
        "calendar.add_closureday",
        "calendar.change_closureday",
        "calendar.delete_closureday",
        "sla.view_notice",
        "notifications.view_notification",
    ],
}
