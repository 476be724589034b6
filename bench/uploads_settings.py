"""The portal's settings, with the test-only case type that starts resumable uploads
(``tests.uploads.urls``): ``bench/uploads.py`` serves the portal with these until a case
type of the portal's own (QA evidence requests) offers uploads."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.uploads.urls"
