"""Files people attach to cases: one policy per use, checks by content, storage, downloads.

An app declares what it accepts once, as an ``UploadPolicy`` of its own, and calls
``portal.uploads.services`` to check and attach files to any of its cases; the files are
served at ``/files/<id>/`` and ``/api/v1/files/<id>/`` to whoever may see the case.
"""
