"""What complaints accept as attachments: PDF, Word documents and images, each up to
``COMPLAINT_ATTACHMENT_MAX_BYTES``, checked by content by ``portal.uploads``."""

from portal.uploads.policies import UploadPolicy, from_setting, group

ATTACHMENTS = UploadPolicy(
    "complaint attachments",
    [
        *group(
            "PDF",
            from_setting("COMPLAINT_ATTACHMENT_MAX_BYTES"),
            {"application/pdf": [".pdf"]},
        ),
        *group(
            "Word document",
            from_setting("COMPLAINT_ATTACHMENT_MAX_BYTES"),
            {
                "application/msword": [".doc"],
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [
                    ".docx"
                ],
            },
        ),
        *group(
            "image",
            from_setting("COMPLAINT_ATTACHMENT_MAX_BYTES"),
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
