"""Who may do what with emails that came in (see portal/accounts/roles.py)."""

from portal.accounts.roles import CUSTOMER_SERVICES, SECURITY_TEAM

PERMISSIONS = {
    # Customer services take in what comes by email, as they do the web forms: they read
    # what was held or could not be read, and release it.
    CUSTOMER_SERVICES: ["mailin.view_inboundemail", "mailin.change_inboundemail"],
    # Hostile mail is theirs to look into too.
    SECURITY_TEAM: ["mailin.view_inboundemail"],
}
