"""What a message's files may be when they join a case that has no policy of its own."""

from portal.uploads.policies import UploadPolicy, from_setting, group

EMAIL_ATTACHMENTS = UploadPolicy(
    "email attachments",
    [
        *group(
            "PDF", from_setting("INBOUND_EMAIL_ATTACHMENT_MAX_BYTES"), {"application/pdf": [".pdf"]}
        ),
        *group(
            "Word document",
            from_setting("INBOUND_EMAIL_ATTACHMENT_MAX_BYTES"),
            {
                "application/msword": [".doc"],
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [
                    ".docx"
                ],
            },
        ),
        *group(
            "image",
            from_setting("INBOUND_EMAIL_ATTACHMENT_MAX_BYTES"),
            {
                "image/png": [".png"],
                "image/jpeg": [".jpg", ".jpeg"],
                "image/gif": [".gif"],
                "image/webp": [".webp"],
            },
        ),
    ],
    field="attachments",
)
