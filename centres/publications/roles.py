"""Who may do what with publications (see portal/accounts/roles.py)."""

from portal.accounts.roles import CUSTOMER_SERVICES

PERMISSIONS = {
    # Customer services keep the catalogue, take the orders in and record each despatch
    # (publications.order is theirs to meet).
    CUSTOMER_SERVICES: [
        *[f"publications.{a}_publication" for a in ("view", "add", "change", "delete")],
        "publications.view_publicationorder",
        "publications.change_publicationorder",
    ],
}
