"""The production smoke journey, over HTTPS through the proxy, against the processes
.ci/production-smoke started. Each step prints one line; the first failure stops the run
with what was expected and what came.

    python journey.py main      the journey itself
    python journey.py restored  the same portal restored from its backup: still works
"""

import base64
import csv
import io
import json
import os
import re
import sys
import time
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

import requests

BASE = os.environ["SMOKE_BASE_URL"]  # the portal, as people reach it (through the proxy)
CA = os.environ.get("SMOKE_CA_FILE") or True  # the proxy's certificate authority
METRICS_URL = os.environ["SMOKE_METRICS_URL"]  # straight at gunicorn, as Prometheus scrapes
METRICS_TOKEN = os.environ["METRICS_TOKEN"]
MAILDIR = Path(os.environ.get("SMOKE_MAIL_DIR", "/nonexistent"))
STATE = Path(os.environ["SMOKE_STATE_FILE"])
PASSWORD = "demo-pass-123"
STAFF_KEY = "DEMOSTAFFEXAMSPORTALKEY234567ABC"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
started = time.monotonic()


class Failed(Exception):
    pass


def step(text: str) -> None:
    print(f"[{time.monotonic() - started:6.1f}s] {text}", flush=True)


def expect(condition, what: str, got=None) -> None:
    if not condition:
        raise Failed(f"{what}" + (f"\n  got: {str(got)[:1500]}" if got is not None else ""))


def answer(response, status: int, what: str):
    expect(
        response.status_code == status,
        f"{what}: expected {status}, got {response.status_code}",
        response.text,
    )
    return response


def wait_for(what: str, check, *, seconds: float, every: float = 1.0):
    give_up = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > give_up:
            raise Failed(f"{what}: not within {seconds:.0f} s")
        time.sleep(every)


def totp(key_base32: str) -> str:
    import hashlib
    import hmac
    import struct

    counter = int(time.time()) // 30
    digest = hmac.new(base64.b32decode(key_base32), struct.pack(">Q", counter), hashlib.sha1)
    digest = digest.digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def session() -> requests.Session:
    http = requests.Session()
    # Only the proxy's authority: no CA bundle from the environment (it would win over this).
    http.trust_env = False
    http.verify = CA
    return http


def api_token(http, username: str, otp: str = "") -> str:
    body = {"username": username, "password": PASSWORD, "device_name": "smoke"}
    if otp:
        body["otp"] = otp
    got = answer(http.post(f"{BASE}/api/v1/auth/token/", json=body), 200, f"token of {username}")
    return got.json()["token"]


def as_token(token: str) -> requests.Session:
    http = session()
    http.headers["Authorization"] = f"Token {token}"
    return http


def sign_in_browser(http, username: str) -> None:
    login = answer(http.get(f"{BASE}/accounts/login/"), 200, "sign-in page")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    done = http.post(
        f"{BASE}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf, "username": username, "password": PASSWORD},
        headers={"Referer": f"{BASE}/accounts/login/"},
        allow_redirects=False,
    )
    answer(done, 302, f"{username} signs in")
    expect(http.cookies.get("sessionid"), "a session cookie after signing in", done.headers)


def metrics() -> str:
    got = session().get(METRICS_URL, headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    return answer(got, 200, "/metrics with the scraper's token").text


def metric(text: str, name: str, **labels) -> float | None:
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] != name:
            continue
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            return float(value)
    return None


def resumable_upload(officer, request_ref: str, *, name: str, body: bytes, candidate: str):
    start = answer(
        officer.post(
            f"{BASE}/api/v1/qa/requests/{request_ref}/uploads/",
            json={"filename": name, "size": len(body), "kind": "evidence",
                  "candidate_number": candidate},
        ),
        201,
        f"start the upload of {name}",
    ).json()  # fmt: skip
    parts = answer(
        officer.post(f"{BASE}/api/v1/uploads/{start['id']}/parts/", json={"numbers": [1]}),
        200,
        "part URLs",
    ).json()["parts"]
    url = parts[0]["url"]
    expect(url.startswith(os.environ["AWS_S3_PUBLIC_ENDPOINT_URL"]),
           "the part URL names the bucket's public address", url)  # fmt: skip
    # As a browser does: straight to the bucket (through the proxy), no Authorization.
    put = session().put(url, data=body)
    answer(put, 200, f"PUT of {name}'s part to the bucket")
    complete = f"{BASE}/api/v1/uploads/{start['id']}/complete/"
    body = {"parts": [{"number": 1, "etag": put.headers["ETag"]}]}
    # Completing again answers the file as it is now (its scan): how the page follows it.
    return officer.post(complete, json=body), lambda: officer.post(complete, json=body).json()


def mail_messages() -> list:
    folder = MAILDIR / "messages"
    return [
        message_from_bytes(path.read_bytes(), policy=email_policy)
        for path in sorted(folder.glob("*.eml"))
    ]


def main_journey() -> dict:
    state = {}
    anonymous = session()
    answer(anonymous.get(f"{BASE}/healthz"), 200, "/healthz through the proxy")
    ready = anonymous.get(f"{BASE}/readyz")
    answer(ready, 200, "/readyz through the proxy")
    step("healthz and readyz answer 200 through the proxy")

    browser = session()
    sign_in_browser(browser, "officer1")
    home = answer(browser.get(f"{BASE}/"), 200, "officer's home page")
    expect("GB001" in home.text, "the officer's home page names their centre")
    step("officer1 signs in with the browser (secure session cookie over HTTPS)")

    officer = as_token(api_token(session(), "officer1"))
    complaint = answer(
        officer.post(
            f"{BASE}/api/v1/complaints/",
            data={"category": "service", "subject": "Smoke: papers arrived late",
                  "description": "The question papers arrived on the morning of the exam.",
                  "syllabus_code": "0580"},
            files={"attachments": ("letter.pdf", PDF, "application/pdf")},
        ),
        201,
        "raise a complaint with a letter",
    ).json()  # fmt: skip
    state["complaint"] = complaint["reference"]
    files = answer(
        officer.get(f"{BASE}/api/v1/complaints/{complaint['reference']}/attachments/"),
        200,
        "the complaint's files",
    ).json()
    files = files["results"] if isinstance(files, dict) else files
    expect([f["name"] for f in files] == ["letter.pdf"], "the letter is kept", files)
    state["letter"] = files[0]["id"]
    step(f"officer1 raises complaint {complaint['reference']} with a PDF letter")

    series = answer(officer.get(f"{BASE}/api/v1/series/"), 200, "series").json()
    rows = series["results"] if isinstance(series, dict) else series
    today = time.strftime("%Y-%m-%d")
    open_series = sorted(
        (s for s in rows if s["entry_deadline"] and s["entry_deadline"] > today),
        key=lambda s: s["entry_deadline"],
    )
    expect(open_series, "a series open for entries in the demo data", rows)
    code = open_series[-1]["code"]
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(["candidate_number", "surname", "forenames", "date_of_birth",
                     "syllabus_code", "option_code"])  # fmt: skip
    writer.writerow(["9001", "Smoke", "Ada", "2010-03-14", "0580", "42"])
    writer.writerow(["9002", "Smoke", "Alan", "2010-06-23", "0580", "42"])
    imported = answer(
        officer.post(
            f"{BASE}/api/v1/entries/import/",
            data={"series": code},
            files={"file": ("entries.csv", file.getvalue().encode(), "text/csv")},
        ),
        201,
        f"import entries into {code}",
    ).json()
    expect(imported == {"created": 2}, "two entries created", imported)
    step(f"officer1 imports 2 entries into series {code}")

    qa = answer(officer.get(f"{BASE}/api/v1/qa/requests/?status=requested"), 200, "QA").json()
    qa_rows = qa["results"] if isinstance(qa, dict) else qa
    expect(qa_rows, "a QA request waiting for evidence in the demo data", qa)
    request_ref = qa_rows[0]["reference"]
    candidate = qa_rows[0]["candidates"][0]
    evidence, evidence_now = resumable_upload(
        officer, request_ref, name="smoke-evidence.pdf", body=PDF, candidate=candidate
    )
    state["evidence"] = answer(evidence, 201, "complete the evidence upload").json()["id"]
    eicar, eicar_now = resumable_upload(
        officer, request_ref, name="eicar.txt", body=EICAR, candidate=candidate
    )
    state["eicar"] = answer(eicar, 201, "complete the EICAR upload").json()["id"]
    # The request that queued the EICAR file's scan: its id must be in the worker's log.
    state["scan_request_id"] = eicar.headers["X-Request-ID"]
    step(f"officer1 uploads evidence and the EICAR file to {request_ref} through presigned URLs")

    def scanned():
        now = [evidence_now(), eicar_now()]
        return now if all(f["scan"] != "pending" for f in now) else None

    clean, infected = wait_for("both files scanned by clamd", scanned, seconds=60)
    expect(clean["scan"] == "clean", "the evidence is scanned clean", clean)
    expect(infected["scan"] == "infected", "the EICAR file is found infected", infected)
    quarantined = officer.get(f"{BASE}/api/v1/files/{infected['id']}/", allow_redirects=False)
    answer(quarantined, 403, "the officer's download of the infected file")
    download = officer.get(f"{BASE}/api/v1/files/{clean['id']}/", allow_redirects=False)
    answer(download, 302, "the clean file's download")
    location = download.headers["Location"]
    expect(location.startswith(os.environ["AWS_S3_PUBLIC_ENDPOINT_URL"]),
           "the download is a presigned URL of the public address", location)  # fmt: skip
    fetched = session().get(location)
    answer(fetched, 200, "the presigned download")
    expect(fetched.content == PDF, "the bytes downloaded are the bytes uploaded")
    step("clamd finds the evidence clean and EICAR infected (quarantined: 403); the clean "
         "file downloads from the bucket")  # fmt: skip

    staff = as_token(api_token(session(), "staff", otp=totp(STAFF_KEY)))
    acknowledged = answer(
        staff.post(f"{BASE}/api/v1/complaints/{state['complaint']}/acknowledge/"),
        200,
        "staff acknowledge the complaint",
    ).json()
    expect(acknowledged["status"] == "acknowledged", "the complaint is acknowledged", acknowledged)
    step("staff sign in at the API with their authenticator's code and acknowledge it")
    return state


def sweep_and_metrics(state: dict) -> None:
    reference = state["complaint"]

    def breach_email():
        for message in mail_messages():
            text = f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"
            if reference in text and "missed" in text.lower():
                return message
        return None

    message = wait_for("beat's sweep emails the missed deadline", breach_email, seconds=90)
    step(f"beat's sweep sends '{message['Subject']}' to the SMTP server (implicit TLS)")

    text = metrics()
    for view in ("api-token", "complaint-list", "entry-import", "upload-complete"):
        count = metric(text, "portal_http_requests_total", view=view)
        expect(count and count >= 1, f"/metrics counts requests of {view}", text[:3000])
    for name, labels in [
        ("portal_http_request_duration_seconds_count", {"view": "complaint-list"}),
        ("portal_clocks_open", {"service_level": "complaint.respond"}),
        ("portal_sla_sweep_duration_seconds", {}),
        ("portal_sla_sweep_lag_seconds", {}),
        ("portal_outbox_pending", {}),
        ("portal_emails_pending", {"state": "pending"}),
        ("portal_uploads_pending_scan", {}),
        ("portal_celery_queue_length", {"queue": "celery"}),
        ("portal_heartbeat_age_seconds", {"job": "beat"}),
    ]:
        expect(metric(text, name, **labels) is not None, f"/metrics has {name}{labels}")
    # The demo's files were queued for scanning when it was loaded: all are scanned soon.
    wait_for(
        "every upload scanned (portal_uploads_pending_scan 0)",
        lambda: metric(metrics(), "portal_uploads_pending_scan") == 0,
        seconds=60,
    )
    proxied = session().get(f"{BASE}/metrics")
    answer(proxied, 404, "/metrics through the public proxy")
    step("/metrics counts the journey (requests by view, clocks, sweep, outbox, emails, "
         "scans, queue); the proxy keeps it from the Internet")  # fmt: skip


def restored_journey(state: dict) -> None:
    officer = as_token(api_token(session(), "officer1"))
    complaint = answer(
        officer.get(f"{BASE}/api/v1/complaints/{state['complaint']}/"),
        200,
        "the complaint in the restored portal",
    ).json()
    expect(complaint["status"] == "acknowledged", "restored as it was", complaint)
    download = officer.get(f"{BASE}/api/v1/files/{state['evidence']}/", allow_redirects=False)
    answer(download, 302, "the evidence's download in the restored portal")
    fetched = session().get(download.headers["Location"])
    answer(fetched, 200, "the restored bucket's presigned download")
    expect(fetched.content == PDF, "the restored bytes are the bytes uploaded")
    again = answer(
        officer.post(
            f"{BASE}/api/v1/complaints/",
            json={"category": "service", "subject": "Smoke: after the restore",
                  "description": "Raised in the restored portal.", "syllabus_code": "0580"},
        ),
        201,
        "raise a complaint in the restored portal",
    ).json()  # fmt: skip
    expect(again["reference"] != state["complaint"], "a new reference", again)
    step("restored from the backup: the complaint, its files and raising a new one work")


def main() -> int:
    try:
        if sys.argv[1:] == ["main"]:
            state = main_journey()
            STATE.write_text(json.dumps(state))
        elif sys.argv[1:] == ["sweep"]:
            sweep_and_metrics(json.loads(STATE.read_text()))
        elif sys.argv[1:] == ["restored"]:
            restored_journey(json.loads(STATE.read_text()))
        else:
            print(__doc__)
            return 2
    except Failed as failure:
        print(f"SMOKE FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
