from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "portal.uploads"
    label = "uploads"
    verbose_name = "Uploaded files"

    def ready(self):
        from portal.accounts import roles
        from portal.notifications import register_kind

        # Only the security team fetches a file the malware scan found infected.
        roles.extend_role(
            roles.SECURITY_TEAM, ["uploads.view_attachment", "uploads.fetch_quarantined"]
        )
        register_kind("file", "Files you uploaded")
