"""What QA evidence may be: the Quality Assurance portal's published table of file types
(seed 004), as one upload policy. Images up to 15 MB, everything else up to 5 GB; the
extension must go with the content (checked from the bytes on completion).

Registered by name, so that every process completing a resumable upload started under it
finds it (``portal.uploads.policies.policy_named``).
"""

from portal.uploads.policies import GB, MB, UploadPolicy, group, register_policy

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml"

QA_EVIDENCE = register_policy(
    UploadPolicy(
        "quality assurance evidence",
        [
            *group(
                "Audio",
                5 * GB,
                {
                    "audio/x-hx-aac-adts": [".aac"],
                    "audio/aiff": [".aiff"],
                    "audio/amr": [".amr"],
                    "audio/x-m4a": [".m4a", ".m4b"],
                    "audio/mpeg": [".mp3"],
                    "audio/wav": [".wav"],
                },
            ),
            *group(
                "Data",
                5 * GB,
                {
                    "application/vnd.ms-excel": [".xls"],
                    f"{EXCEL}.sheet": [".xlsx"],
                    "application/vnd.ms-excel.sheet.binary.macroenabled.12": [".xlsb"],
                    "application/x-msaccess": [".mdb", ".accdb"],
                },
            ),
            *group(
                "Document",
                5 * GB,
                {
                    "application/pdf": [".pdf"],
                    "application/vnd.oasis.opendocument.text": [".odt"],
                    "text/rtf": [".rtf"],
                    "text/plain": [".txt"],
                    "application/msword": [".doc"],
                    f"{WORD}.document": [".docx"],
                    f"{WORD}.template": [".dotx"],
                    # Pages documents are zip archives with nothing more particular to recognise.
                    "application/zip": [".pages"],
                },
            ),
            *group(
                "Images",
                15 * MB,
                {
                    "image/jpeg": [".jpg", ".jpeg", ".jfif"],
                    "image/png": [".png"],
                    "image/tiff": [".tif"],
                    "image/gif": [".gif"],
                    "image/heic": [".heic"],
                    "image/vnd.adobe.photoshop": [".psd"],
                    "image/x-pcx": [".pcx"],
                    "image/bmp": [".bmp"],
                    "image/wmf": [".wmf"],
                },
            ),
            *group(
                "Presentation",
                5 * GB,
                {
                    "application/vnd.ms-powerpoint": [".ppt"],
                    f"{POWERPOINT}.presentation": [".pptx"],
                    "application/vnd.ms-powerpoint.presentation.macroenabled.12": [".pptm"],
                },
            ),
            *group(
                "Video",
                5 * GB,
                {
                    "video/3gpp2": [".3g2"],
                    "video/3gpp": [".3gp"],
                    "video/x-msvideo": [".avi"],
                    "video/x-flv": [".flv"],
                    "video/x-m4v": [".m4v"],
                    "video/x-matroska": [".mkv"],
                    "video/quicktime": [".mov"],
                    "video/mp4": [".mp4"],
                    "video/x-ms-asf": [".wmv"],
                    "video/mp2t": [".mts"],
                    "video/mpeg": [".mpg"],
                },
            ),
            *group(
                "Web",
                5 * GB,
                {
                    "text/html": [".html"],
                    "application/vnd.microsoft.portable-executable": [".exe"],
                },
            ),
        ],
        field="filename",
    )
)
