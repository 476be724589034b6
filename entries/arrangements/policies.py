"""What an application for access arrangements or special consideration takes as evidence
(the assessor's report, a doctor's or the head of centre's supporting letter): PDF, Word
documents and photographs or scans, checked by content by ``portal.uploads``."""

from portal.uploads.policies import MB, UploadPolicy, group

EVIDENCE = UploadPolicy(
    "arrangements evidence",
    [
        *group("PDF", 20 * MB, {"application/pdf": [".pdf"]}),
        *group(
            "Word document",
            20 * MB,
            {
                "application/msword": [".doc"],
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [
                    ".docx"
                ],
            },
        ),
        *group("image", 15 * MB, {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"]}),
    ],
    field="evidence",
)
