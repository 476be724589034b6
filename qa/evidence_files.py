"""What QA evidence requests accept (seed 004): documents, data, presentations, audio and
video up to 5 GB, images up to 15 MB, checked by content by ``portal.uploads``.

The resumable upload of large files arrives with the uploads kit, which brings the seed's
full list of types; this is the part that files small enough for a form already use.
"""

from portal.uploads.policies import GB, MB, UploadPolicy, group

EVIDENCE_FILES = UploadPolicy(
    "QA evidence",
    [
        *group(
            "document",
            5 * GB,
            {
                "application/pdf": [".pdf"],
                "text/plain": [".txt"],
                "text/rtf": [".rtf"],
                "application/msword": [".doc"],
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [
                    ".docx"
                ],
                "application/vnd.oasis.opendocument.text": [".odt"],
            },
        ),
        *group(
            "spreadsheet",
            5 * GB,
            {
                "application/vnd.ms-excel": [".xls"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
            },
        ),
        *group(
            "presentation",
            5 * GB,
            {
                "application/vnd.ms-powerpoint": [".ppt"],
                "application/vnd.openxmlformats-officedocument.presentationml.presentation": [
                    ".pptx"
                ],
            },
        ),
        *group(
            "image",
            15 * MB,
            {
                "image/png": [".png"],
                "image/jpeg": [".jpg", ".jpeg", ".jfif"],
                "image/gif": [".gif"],
                "image/tiff": [".tif"],
                "image/bmp": [".bmp"],
            },
        ),
        *group("audio", 5 * GB, {"audio/mpeg": [".mp3"], "audio/x-wav": [".wav"]}),
        *group("video", 5 * GB, {"video/mp4": [".mp4", ".m4v"], "video/quicktime": [".mov"]}),
    ],
    field="file",
)
