"""Who may do what with becoming a centre (see portal/accounts/roles.py)."""

from portal.accounts.roles import REGISTRATION_TEAM

PERMISSIONS = {
    REGISTRATION_TEAM: [
        # The quality standards: delete is for drafts (the admin refuses it for a published
        # set's standards).
        *[
            f"registration.{action}_{model}"
            for model in ("standardset", "qualitystandard")
            for action in ("view", "add", "change", "delete")
        ],
        # Centre applications: the registration team works them and keeps the fees.
        "registration.view_centreapplication",
        "registration.change_centreapplication",
        *[f"registration.{a}_applicationfee" for a in ("view", "add", "change", "delete")],
        # Requests to offer additional programmes.
        "registration.view_programmerequest",
        "registration.change_programmerequest",
    ],
}
