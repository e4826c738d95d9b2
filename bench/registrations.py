"""Burst of registrations against gunicorn + PostgreSQL: throughput, latency, integrity.

A fresh PostgreSQL database gets the demo edition with registration open; gunicorn
serves the app on 127.0.0.1 (4 sync workers by default: on 2 cores they gave the best
p99, threads the best median) with CSRF on and the rate limit off (every client here has
the same address). Each of the concurrent clients loads the form once, as a browser
does, then posts registrations with fresh e-mail addresses and a random sub-forum (or
none) until the burst is done. Afterwards the database is checked: every registration
stored once, no session over capacity, one e-mail per registration waiting in the
outbox (none sent inside a request).

    .venv/bin/python bench/registrations.py              # 2,000 from 50 clients
    .venv/bin/python bench/registrations.py --count 500 --clients 20

Exits 1 when a target is missed: >= 150 registrations/s sustained, p99 < 500 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_PER_SECOND = 150.0
TARGET_P99_MS = 500.0


@dataclass
class Tally:
    """What the clients saw, shared between their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    next_number: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def take_number(self, total: int) -> int | None:
        with self.lock:
            if self.next_number >= total:
                return None
            self.next_number += 1
            return self.next_number


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def psql(statement: str) -> None:
    subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-q", "-c", statement, "postgres"],
        check=True,
        capture_output=True,
    )


def prepare_database(name: str, env: dict[str, str]) -> None:
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["forum", "seed-demo"], ["forum", "open-registration"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)


def start_server(port: int, env: dict[str, str], workers: int, threads: int) -> subprocess.Popen:
    # One thread means plain sync workers: no thread pool to pay for.
    model = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    command = [str(BIN / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", str(workers)]
    command += [*model, "--log-level", "warning", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/en/register")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not answer within 30 s")


def read_form(connection: http.client.HTTPConnection) -> tuple[str, str, str, list[str]]:
    """The session cookie, the CSRF token, the sub-forum field and its choices."""
    connection.request("GET", "/en/register")
    response = connection.getresponse()
    html = response.read().decode()
    cookie = "; ".join(
        header.split(";", 1)[0] for header in response.msg.get_all("Set-Cookie") or []
    )
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    # The field is named after its time slot's first session id: slot_<id>.
    slot_field = re.search(r'name="(slot_\d+)" type="radio"', html).group(1)
    choices = re.findall(rf'name="{slot_field}" type="radio" value="(\d*)"', html)
    return cookie, token, slot_field, choices


def client(port: int, total: int, tally: Tally, run_id: str) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    cookie, token, slot_field, choices = read_form(connection)
    chooser = random.Random(run_id)
    while (number := tally.take_number(total)) is not None:
        body = urllib.parse.urlencode(
            {
                "csrf_token": token,
                "given_name": "Bench",
                "family_name": f"Person {number}",
                "email": f"bench-{run_id}-{number}@example.org",
                "organization": "Benchmark",
                "position": "Tester",
                "country": "CN",
                "category": "delegate",
                "preferred_language": chooser.choice(["en", "zh"]),
                "consent": "y",
                slot_field: chooser.choice(choices),
                "website": "",
            }
        )
        started = time.perf_counter()
        connection.request(
            "POST",
            "/en/register",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        with tally.lock:
            tally.latencies_ms.append(elapsed)
            if response.status != 302:
                tally.failures.append(f"{number}: HTTP {response.status}")


def check_database(env: dict[str, str]) -> dict[str, object]:
    """Every registration once, no session over capacity, e-mails queued not sent."""
    script = """
import json
from sqlalchemy import func, select
from forum import create_app
from forum.extensions import db
from forum.agenda.models import Session
from forum.mail import OutboxMessage
from forum.registration.models import Registration, Seat
app = create_app("development")
with app.app_context():
    registrations = db.session.scalar(select(func.count(Registration.id)))
    emails = db.session.scalar(select(func.count(func.distinct(Registration.email))))
    over = []
    for session in db.session.scalars(select(Session).where(Session.capacity.is_not(None))):
        confirmed = db.session.scalar(select(func.count()).where(
            Seat.session_id == session.id, Seat.status == "confirmed"))
        if confirmed > session.capacity:
            over.append(session.code)
    waiting = db.session.scalar(select(func.count()).where(Seat.status == "waitlisted"))
    outbox = dict(db.session.execute(select(OutboxMessage.status, func.count())
                                     .group_by(OutboxMessage.status)).all())
    print(json.dumps({"registrations": registrations, "distinct_emails": emails,
                      "sessions_over_capacity": over, "waitlisted_seats": waiting,
                      "outbox": outbox}))
"""
    result = subprocess.run(
        [str(BIN / "python"), "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="1 means sync workers")
    options = parser.parse_args()

    run_id = f"{os.getpid()}"
    database = f"forum_bench_reg_{run_id}"
    env = dict(
        os.environ,
        DATABASE_URL=f"postgresql+psycopg://postgres@{HOST}:5432/{database}",
        FORUM_CONFIG="development",
        RATELIMIT_ENABLED="0",
        REDIS_URL="",
        SECRET_KEY="bench-secret",
        MAIL_SERVER="",
    )
    prepare_database(database, env)
    port = free_port()
    server = start_server(port, env, options.workers, options.threads)
    tally = Tally()
    try:
        threads = [
            threading.Thread(target=client, args=(port, options.count, tally, run_id))
            for _ in range(options.clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    integrity = check_database(env)
    psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    rate = options.count / wall
    p50, p95, p99 = (percentile(tally.latencies_ms, share) for share in (0.5, 0.95, 0.99))
    result = {
        "count": options.count,
        "clients": options.clients,
        "gunicorn": (
            f"{options.workers} gthread workers x {options.threads} threads"
            if options.threads > 1
            else f"{options.workers} sync workers"
        ),
        "seconds": round(wall, 2),
        "registrations_per_second": round(rate, 1),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "p99_ms": round(p99, 1),
        "failures": tally.failures[:10],
        **integrity,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "registrations.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))

    problems = []
    if rate < TARGET_PER_SECOND:
        problems.append(f"{rate:.0f} registrations/s < {TARGET_PER_SECOND:.0f}")
    if p99 >= TARGET_P99_MS:
        problems.append(f"p99 {p99:.0f} ms >= {TARGET_P99_MS:.0f} ms")
    if tally.failures or integrity["registrations"] != options.count:
        problems.append("not every registration was stored")
    if integrity["distinct_emails"] != integrity["registrations"]:
        problems.append("a registration was stored twice")
    if integrity["sessions_over_capacity"]:
        problems.append(f"over capacity: {integrity['sessions_over_capacity']}")
    if integrity["outbox"].get("pending", 0) != options.count:
        problems.append("not one pending e-mail per registration in the outbox")
    for problem in problems:
        print("MISSED:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
