"""Who may do what with mailings (see portal/accounts/roles.py)."""

from portal.accounts.roles import CUSTOMER_SERVICES

PERMISSIONS = {
    # Customer services write the newsletter and the timetables mailing and answer for the
    # newsletter's day (newsletter.monthly); no other role edits what every officer receives.
    CUSTOMER_SERVICES: [f"mailings.{a}_mailing" for a in ("view", "add", "change", "delete")],
}
