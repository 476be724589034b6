"""Who may do what with uploaded files (see portal/accounts/roles.py)."""

from portal.accounts.roles import SECURITY_TEAM

PERMISSIONS = {
    # Only the security team fetches a file the malware scan found infected.
    SECURITY_TEAM: ["uploads.view_attachment", "uploads.fetch_quarantined"],
}
