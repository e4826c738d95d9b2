"""Check-in desk speed with 10,000 registrations, 10 desks at once, gunicorn + PostgreSQL.

A fresh PostgreSQL database gets the demo edition, 10,000 confirmed registrations, a
check-in account and stored badges for the attendees the desks will print. gunicorn
serves it on 127.0.0.1 (4 sync workers, CSRF on, rate limits off: every desk here has
the same address). Each desk logs in like a browser, names itself, then repeats:

- scan to card: GET /en/desk/?q=<badge payload>
- search: GET /en/desk/?q=<part of a family name>
- check-in: POST the card's form (CSRF token and nonce)
- badge: POST .../badge.pdf for a stored copy

    .venv/bin/python bench/desk.py                  # 10,000 registrations, 10 desks
    .venv/bin/python bench/desk.py --registrations 2000 --rounds 20
    .venv/bin/python bench/desk.py --pause 0        # desks fire back to back (overload)
    .venv/bin/python bench/desk.py --jitter 0       # desks in lockstep (bursts of ten)

`--pause` (default 0.25 s) is the operator's time between steps: a person reads the card
before pressing "Check in". With no pause the ten desks keep every worker busy all the
time (a closed loop on 2 cores), which measures the queue rather than the desk.
`--jitter` (default 0.5) spreads each pause uniformly over pause × (1 ± jitter), with a
fixed seed per desk: the mean load is the same, but the desks no longer start and stay
in lockstep (ten scans landing on four workers in the same millisecond, then ten
check-ins), which people at ten desks never do. `--jitter 0` gives the lockstep back.

Targets (p95): scan 30 ms, search 100 ms, check-in 50 ms, badge 50 ms. Writes
bench/results/desk.json; exits 1 when a target is missed or a check-in went wrong.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registrations import HOST, RESULTS, ROOT, free_port, percentile, psql, start_server

BIN = ROOT / ".venv" / "bin"
TARGETS_MS = {"scan": 30.0, "search": 100.0, "check_in": 50.0, "badge": 50.0}
EMAIL = "desk-bench@example.org"
PASSWORD = "desk bench password"

SEED = """
import json, sys
from datetime import UTC, datetime
from forum import create_app
from forum.accounts.services import create_user
from forum.audit import COMMAND_LINE
from forum.documents.badges import badge_pdf
from forum.documents.qr import make_payload
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration.models import Category, Registration
from forum.registration.services import new_reference

count, printed = int(sys.argv[1]), int(sys.argv[2])
app = create_app("development")
with app.app_context():
    create_user("{email}", "checkin", "{password}", COMMAND_LINE, display_name="Bench")
    edition = current_edition()
    delegate = db.session.scalars(db.select(Category).where(Category.code == "delegate")).one()
    now = datetime.now(UTC)
    people = []
    for number in range(count):
        people.append(Registration(
            edition=edition, reference=new_reference(), category=delegate,
            given_name="Bench", family_name=f"Desktest{{number:05d}}",
            email=f"desk-{{number}}@example.org", country="CN", organization="Benchmark",
            consent_at=now, created_at=now, updated_at=now, badge_prints=0,
        ))
    db.session.add_all(people)
    db.session.commit()
    for person in people[:printed]:
        badge_pdf(person)
    db.session.commit()
    print(json.dumps({{
        "payloads": [make_payload(person.reference) for person in people],
        "printed": [person.id for person in people[:printed]],
    }}))
"""


def prepare(env: dict[str, str], database: str, count: int, printed: int) -> dict:
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(f"CREATE DATABASE {database}")
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["forum", "seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    script = SEED.format(email=EMAIL, password=PASSWORD)
    done = subprocess.run(
        [str(BIN / "python"), "-c", script, str(count), str(printed)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ADMIT = re.compile(
    r'action="(/en/desk/registrations/\d+/check-in)"[\s\S]*?name="nonce" value="(\w+)"'
)


class Desk:
    """One desk: a kept-alive connection with the session and desk-name cookies."""

    def __init__(self, port: int, name: str) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.name = name

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, accept: str = "*/*"
    ):
        headers = {
            "Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items()),
            "Accept": accept,
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header in response.msg.get_all("Set-Cookie") or []:
            key, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[key] = value
        return response.status, data, elapsed

    def open(self) -> None:
        _status, page, _ms = self.request("GET", "/en/admin/login")
        token = TOKEN.search(page.decode()).group(1)
        status, _page, _ms = self.request(
            "POST", "/en/admin/login", {"csrf_token": token, "email": EMAIL, "password": PASSWORD}
        )
        assert status == 302, f"login failed: {status}"
        _status, page, _ms = self.request("GET", "/en/desk/")
        token = TOKEN.search(page.decode()).group(1)
        form = {"csrf_token": token, "desk": self.name, "point": "entrance", "layout": "a6"}
        self.request("POST", "/en/desk/settings", form)


def run_desk(
    port: int,
    number: int,
    payloads: list[str],
    printed: list[int],
    rounds: int,
    timings: dict[str, list[float]],
    problems: list[str],
    lock: threading.Lock,
    pause: float,
    jitter: float,
) -> None:
    desk = Desk(port, f"Bench desk {number}")
    desk.open()
    operator = random.Random(number)

    def think() -> None:
        time.sleep(pause * operator.uniform(1 - jitter, 1 + jitter))

    mine: dict[str, list[float]] = defaultdict(list)
    for round_number in range(rounds):
        index = number * rounds + round_number
        think()
        status, page, ms = desk.request(
            "GET", "/en/desk/?" + urllib.parse.urlencode({"q": payloads[index]})
        )
        mine["scan"].append(ms)
        html = page.decode()
        if status != 200 or "OK to enter" not in html:
            problems.append(f"scan {index}: {status}")
            continue
        query = f"desktest{(index * 7919) % len(payloads):05d}"[:12]
        status, _page, ms = desk.request("GET", "/en/desk/?" + urllib.parse.urlencode({"q": query}))
        mine["search"].append(ms)
        if status != 200:
            problems.append(f"search {query}: {status}")
        think()
        action, nonce = ADMIT.search(html).groups()
        token = TOKEN.search(html).group(1)
        # As desk.js sends it: the answer is JSON with the card, not a whole page.
        form = {"csrf_token": token, "nonce": nonce}
        status, page, ms = desk.request("POST", action, form, accept="application/json")
        mine["check_in"].append(ms)
        if status != 200 or not json.loads(page)["is_admitted"]:
            problems.append(f"check-in {index}: {status}")
        think()
        badge = printed[index % len(printed)]
        path = f"/en/desk/registrations/{badge}/badge.pdf"
        status, pdf, ms = desk.request("POST", path, {"csrf_token": token})
        mine["badge"].append(ms)
        if status != 200 or not pdf.startswith(b"%PDF"):
            problems.append(f"badge {badge}: {status}")
    with lock:
        for key, values in mine.items():
            timings[key].extend(values)


def count_admissions(env: dict[str, str]) -> int:
    """Admissions stored (prints are CheckIn rows too, of their own kind)."""
    script = (
        "from forum import create_app\nfrom forum.extensions import db\n"
        "from forum.registration.checkin import CheckIn\n"
        "app = create_app('development')\n"
        "with app.app_context():\n"
        "    print(db.session.scalar(db.select(db.func.count()).select_from(CheckIn)\n"
        "        .where(CheckIn.kind == 'admit')))\n"
    )
    done = subprocess.run(
        [str(BIN / "python"), "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=10_000)
    parser.add_argument("--desks", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=50, help="attendees per desk")
    parser.add_argument("--printed", type=int, default=20, help="stored badges to print")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pause", type=float, default=0.25, help="seconds between steps")
    parser.add_argument("--jitter", type=float, default=0.5, help="pauses vary by ± this fraction")
    options = parser.parse_args()

    database = f"forum_bench_desk_{os.getpid()}"
    env = dict(
        os.environ,
        DATABASE_URL=f"postgresql+psycopg://postgres@{HOST}:5432/{database}",
        FORUM_CONFIG="development",
        RATELIMIT_ENABLED="0",
        REDIS_URL="",
        SECRET_KEY="bench-secret",
        MAIL_SERVER="",
    )
    seeded = prepare(env, database, options.registrations, options.printed)
    port = free_port()
    server = start_server(port, env, options.workers, 1)
    timings: dict[str, list[float]] = defaultdict(list)
    problems: list[str] = []
    lock = threading.Lock()
    try:
        desks = [
            threading.Thread(
                target=run_desk,
                args=(
                    port,
                    number,
                    seeded["payloads"],
                    seeded["printed"],
                    options.rounds,
                    timings,
                    problems,
                    lock,
                    options.pause,
                    options.jitter,
                ),
            )
            for number in range(options.desks)
        ]
        for desk in desks:
            desk.start()
        for desk in desks:
            desk.join()
        admissions = count_admissions(env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    result: dict[str, object] = {
        "registrations": options.registrations,
        "desks": options.desks,
        "gunicorn": f"{options.workers} sync workers",
        "pause_s": options.pause,
        "jitter": options.jitter,
        "admissions_stored": admissions,
        "admissions_expected": options.desks * options.rounds,
        "problems": problems[:10],
    }
    for key, values in timings.items():
        result[key] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.5), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "target_p95_ms": TARGETS_MS[key],
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "desk.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    missed = [
        key
        for key, target in TARGETS_MS.items()
        if key not in timings or percentile(timings[key], 0.95) >= target
    ]
    if missed or problems or admissions != options.desks * options.rounds:
        print(f"missed: {missed}; problems: {len(problems)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
