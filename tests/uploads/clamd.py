"""A real clamd for the scanning tests: the one ``.ci/run`` started (``TEST_CLAMD_URL``), or
one started here from Debian's binary with the EICAR signature only; skipped without it."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from portal.uploads.scanning import ping

CONFIG = Path(__file__).resolve().parents[2] / ".ci" / "clamav"
CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"


def start_clamd():
    """Answer ``(url, stop)``, or ``(None, reason)`` when no clamd can run here."""
    given = os.environ.get("TEST_CLAMD_URL")
    if given:
        return (given, lambda: None) if ping(given) else (None, f"no clamd at {given}")
    if not os.access(CLAMD, os.X_OK):
        return None, f"no clamd at {CLAMD} (apt-get install clamav-daemon; .ci/run starts it)"
    folder = tempfile.mkdtemp(prefix="clamd-")
    config = Path(folder, "clamd.conf")
    config.write_text(
        (CONFIG / "clamd.conf.in").read_text().replace("@DIR@", folder).replace("@DB@", str(CONFIG))
    )
    process = subprocess.Popen(
        [CLAMD, "--config-file", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"unix://{folder}/clamd.sock"
    for _ in range(100):
        if ping(url):
            break
        time.sleep(0.1)
    else:
        process.kill()
        return None, f"clamd did not start (see {folder}/clamd.log)"

    def stop():
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)

    return url, stop
