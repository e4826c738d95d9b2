"""Speed and memory of badges and the programme booklet, on a forum of 1,000 attendees.

Builds a temporary SQLite database with the demo editions and 1,000 confirmed
registrations (about half with a Chinese name, the rest in Latin, Cyrillic, Arabic,
Japanese and Korean script), then measures:

  a. one badge with a Chinese name rendered in a fresh process (imports, then render);
  b. the desk: scan a QR code, find the registration, get its badge PDF, with the badges
     rendered ahead of time (prerender_badges) and without (a warm process renders);
  c. a batch of 1,000 A6 badges with render_badges in a child process (which spreads it
     over every core): time, and peak memory of all its processes together;
  d. the programme booklet: first download (rendered) and cached downloads;
  e. the worker's pre-render round with 10,000 confirmed registrations whose badges are
     all current (idle), and with ten of them made stale.

Prints a table, writes bench/results/badges.json and exits 1 when a target is missed.

    .venv/bin/python bench/badges.py
    .venv/bin/python bench/badges.py --count 300 --scans 50 --idle-count 2000  # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS_DIR = ROOT / "bench" / "results"

# The targets of the issue, on the 2-core machine the site is sized for.
TARGET_FRESH_RENDER_S = 1.0
TARGET_SCAN_P95_MS = 500.0
TARGET_BATCH_S = 10.0
TARGET_IDLE_ROUND_MS = 50.0
TARGET_BATCH_RSS_MB = 1024.0
TARGET_PROGRAMME_COLD_S = 10.0
TARGET_PROGRAMME_CACHED_P95_MS = 20.0

FRESH_RUNS = 3
PROGRAMME_DOWNLOADS = 50

# Half the attendees have a Chinese name; the Latin name is its pinyin, family name first.
CHINESE_FAMILY_NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
CHINESE_COMPOUND_FAMILY_NAMES = ["欧阳", "司马", "诸葛", "上官"]
CHINESE_GIVEN_NAMES = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志远", "晓燕", "海峰",
]  # fmt: skip
OTHER_NAMES: list[tuple[str, str, str, bool]] = [
    # given, family, country, family name first
    ("José", "Fernández", "ES", False),
    ("Zoë", "Müller", "DE", False),
    ("François", "Lefèvre", "FR", False),
    ("Ana", "Lima", "BR", False),
    ("Oliver", "Bennett", "GB", False),
    ("Dmitry", "Volkov", "RU", False),
    ("Дмитрий", "Волков", "RU", False),
    ("Анна", "Смирнова", "RU", False),
    ("محمد", "العلي", "SA", False),
    ("فاطمة", "الزهراء", "EG", False),
    ("ゆき", "田中", "JP", True),
    ("Yuki", "Tanaka", "JP", False),
    ("서연", "박", "KR", True),
    ("Minjun", "Kim", "KR", False),
    ("Nguyễn", "Văn An", "VN", False),
    ("Maria del Carmen", "Fernández de Córdoba y Montenegro", "ES", False),
]
POSITIONS = ["", "Director", "Deputy Director-General", "Researcher", "Correspondent", "处长"]
ORGANIZATIONS = ["", "City of Recife", "Beijing Municipal Service Bureau", "Xinhua", "UN-Habitat"]
CATEGORIES = ["delegate", "delegate", "delegate", "media", "resident", "speaker", "guest"]


def main(argv: list[str] | None = None) -> int:
    options = _parse_arguments(argv)
    if options.child:
        return _run_child(options.child)
    report: dict[str, Any] = {"count": options.count}
    with tempfile.TemporaryDirectory(prefix="forum-badges-bench-") as folder_name:
        folder = Path(folder_name)
        database_url = f"sqlite:///{folder / 'forum-badges.sqlite3'}"
        # The database is built, and the batch measured, by child processes while this one
        # is still small: Linux hands a child the peak RSS of the process that spawned it,
        # so RUSAGE_CHILDREN would otherwise report this process's peak, not the batch's.
        report["build_s"] = json.loads(_run_self(["build", database_url, str(options.count)]))[
            "build_s"
        ]
        print(
            f"Database: {database_url} ({options.count} confirmed registrations, "
            f"built in {report['build_s']:.1f} s)"
        )
        report["batch"] = measure_batch(database_url, folder, options.count)
        app = _create_app(database_url, folder)
        report["fresh_render"] = measure_fresh_render(app, database_url)
        report["desk"] = measure_desk(app, options.scans, options.cold_scans)
        report["programme"] = measure_programme(app)
    with tempfile.TemporaryDirectory(prefix="forum-badges-idle-") as folder_name:
        report["idle_round"] = measure_idle_round(Path(folder_name), options.idle_count)
    report["machine"] = _machine()
    misses = _check_targets(report)
    report["targets_met"] = not misses
    report["misses"] = misses
    _print_table(report)
    path = _write_result("badges.json", report)
    print(f"\nResults written to {path.relative_to(ROOT)}")
    for miss in misses:
        print(f"MISSED: {miss}")
    return 1 if misses else 0


def _parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="confirmed registrations")
    parser.add_argument("--scans", type=int, default=200, help="desk scans, pre-rendered")
    parser.add_argument(
        "--cold-scans", type=int, default=50, help="desk scans without a stored badge"
    )
    parser.add_argument(
        "--idle-count", type=int, default=10_000, help="registrations for the idle round"
    )
    # Internal: the child processes run this file again with --child.
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# ------------------------------------------------------------------------------ the data


def _bench_config(database_url: str) -> type:
    from config import TestingConfig

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = "bench-secret"

    return BenchConfig


def _create_app(database_url: str, folder: Path | None = None) -> Any:
    from forum import create_app

    app = create_app(_bench_config(database_url))
    if folder is not None:
        # Booklets are cached under the instance folder; keep the project's own clean.
        app.instance_path = str(folder / "instance")
    return app


def _child_build(database_url: str, count: str) -> dict[str, Any]:
    """A fresh database: demo editions, default categories, `count` attendees."""
    from forum.demo import seed_demo
    from forum.extensions import db
    from forum.registration.services import ensure_default_categories

    app = _create_app(database_url)
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        ensure_default_categories()
        db.session.commit()
        seed_demo()
        _add_registrations(int(count))
    return {"build_s": time.perf_counter() - started}


def _add_registrations(count: int) -> None:
    from pypinyin import lazy_pinyin
    from sqlalchemy import select

    from forum.editions.services import current_edition
    from forum.extensions import db
    from forum.registration.models import Category, Registration, RegistrationStatus
    from forum.registration.services import new_reference

    chooser = random.Random(2024)
    edition = current_edition()
    categories = {category.code: category for category in db.session.scalars(select(Category))}
    references: set[str] = set()
    now = datetime.now(UTC)
    for number in range(count):
        reference = new_reference()
        while reference in references:
            reference = new_reference()
        references.add(reference)
        if number % 2 == 0:
            family = chooser.choice(
                CHINESE_COMPOUND_FAMILY_NAMES if number % 20 == 0 else CHINESE_FAMILY_NAMES
            )
            given = chooser.choice(CHINESE_GIVEN_NAMES)
            fields = {
                "given_name": "".join(lazy_pinyin(given)).capitalize(),
                "family_name": "".join(lazy_pinyin(family)).capitalize(),
                "name_zh": family + given,
                "is_family_name_first": True,
                "country": "CN",
            }
        else:
            given, family, country, family_first = chooser.choice(OTHER_NAMES)
            fields = {
                "given_name": given,
                "family_name": family,
                "name_zh": None,
                "is_family_name_first": family_first,
                "country": country,
            }
        db.session.add(
            Registration(
                edition=edition,
                reference=reference,
                category=categories[chooser.choice(CATEGORIES)],
                email=f"attendee{number:04d}@example.org",
                position=chooser.choice(POSITIONS),
                organization=chooser.choice(ORGANIZATIONS),
                preferred_language="zh" if fields["name_zh"] else "en",
                status=RegistrationStatus.CONFIRMED.value,
                consent_at=now,
                created_at=now,
                updated_at=now,
                badge_prints=0,
                **fields,
            )
        )
    db.session.commit()


def _confirmed_ids(limit: int | None = None) -> list[int]:
    from sqlalchemy import select

    from forum.extensions import db
    from forum.registration.models import Registration, RegistrationStatus

    query = (
        select(Registration.id)
        .where(Registration.status == RegistrationStatus.CONFIRMED.value)
        .order_by(Registration.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


# ------------------------------------------------------------- a. a fresh process renders


def measure_fresh_render(app: Any, database_url: str) -> dict[str, Any]:
    """Import and render one Chinese-named badge in a new interpreter, FRESH_RUNS times."""
    from sqlalchemy import select

    from forum.extensions import db
    from forum.registration.models import Registration

    with app.app_context():
        registration_id = db.session.scalars(
            select(Registration.id).where(Registration.name_zh.is_not(None)).limit(1)
        ).one()
    runs = []
    for _ in range(FRESH_RUNS):
        started = time.perf_counter()
        output = _run_self(["fresh-render", database_url, str(registration_id)])
        run = json.loads(output)
        run["process_total_s"] = time.perf_counter() - started
        runs.append(run)
    result = {
        "runs": runs,
        "import_s": statistics.median(run["import_s"] for run in runs),
        "app_s": statistics.median(run["app_s"] for run in runs),
        "render_s": statistics.median(run["render_s"] for run in runs),
        "render_max_s": max(run["render_s"] for run in runs),
        "total_s": statistics.median(run["process_total_s"] for run in runs),
    }
    print(
        f"a. fresh process: imports {result['import_s']:.2f} s, app {result['app_s']:.2f} s, "
        f"render {result['render_s']:.2f} s, whole process {result['total_s']:.2f} s"
    )
    return result


def _child_fresh_render(database_url: str, registration_id: str) -> dict[str, Any]:
    started = time.perf_counter()
    # Imported here, not at the top of the file: these imports are what is being timed.
    from forum.documents.badges import BadgeLayout, badge_for, render_badges
    from forum.extensions import db
    from forum.registration.models import Registration

    imported = time.perf_counter()
    app = _create_app(database_url)
    with app.app_context():
        registration = db.session.get(Registration, int(registration_id))
        registration.category, registration.edition  # noqa: B018 - load before timing
        ready = time.perf_counter()
        pdf = render_badges([badge_for(registration, BadgeLayout.A6)], BadgeLayout.A6)
        rendered = time.perf_counter()
    return {
        "import_s": imported - started,
        "app_s": ready - imported,
        "render_s": rendered - ready,
        "pdf_bytes": len(pdf),
    }


# ------------------------------------------------------------------------- b. the desk


def measure_desk(app: Any, scans: int, cold_scans: int) -> dict[str, Any]:
    """Scan to printable PDF: verify the code, find the registration, get its badge."""
    from forum.documents.badges import prerender_badges
    from forum.documents.qr import make_payload
    from forum.extensions import db
    from forum.registration.models import Registration

    with app.app_context():
        ids = _confirmed_ids(scans + cold_scans)
        payloads = [make_payload(db.session.get(Registration, id_).reference) for id_ in ids]
        started = time.perf_counter()
        prerendered = prerender_badges(limit=scans)
        db.session.commit()  # the worker's loop commits each round
        prerender_s = time.perf_counter() - started
    print(
        f"b. prerender_badges: {prerendered} badges in {prerender_s:.1f} s "
        f"({prerendered / prerender_s:.1f} per second)"
    )
    warm = [_time_scan(app, payload) for payload in payloads[:scans]]
    cold = [_time_scan(app, payload) for payload in payloads[scans:]]
    result = {
        "prerendered": prerendered,
        "prerender_s": prerender_s,
        "prerender_per_s": prerendered / prerender_s,
        "stored": _summary(warm),
        "not_prerendered": _summary(cold),
    }
    print(
        f"b. desk scan, stored badge: p50 {result['stored']['p50_ms']:.1f} ms, "
        f"p95 {result['stored']['p95_ms']:.1f} ms over {scans}; "
        f"rendered on the spot: p50 {result['not_prerendered']['p50_ms']:.0f} ms, "
        f"p95 {result['not_prerendered']['p95_ms']:.0f} ms over {cold_scans}"
    )
    return result


def _time_scan(app: Any, payload: str) -> float:
    """One scan as the desk's request would do it, in its own app context (own session)."""
    from forum.documents.badges import badge_pdf
    from forum.documents.qr import verify_payload
    from forum.registration.services import registration_for_reference

    started = time.perf_counter()
    with app.app_context():
        reference = verify_payload(payload)
        assert reference is not None
        pdf = badge_pdf(registration_for_reference(reference))
        assert pdf.startswith(b"%PDF")
    return time.perf_counter() - started


# ----------------------------------------------------------------------- c. a big batch


def measure_batch(database_url: str, folder: Path, count: int) -> dict[str, Any]:
    """render_badges over `count` A6 badges in a child process; time and peak memory."""
    output = folder / "batch.pdf"
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = json.loads(_run_self(["batch", database_url, str(count), str(output)]))
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result = {
        "badges": count,
        "pages": _page_count(output),
        "pdf_mb": output.stat().st_size / 2**20,
        "badge_data_s": child["badge_data_s"],
        "render_s": child["render_s"],
        "total_s": child["badge_data_s"] + child["render_s"],
        "process_wall_s": wall_s,
        # CPU seconds of the child and its workers; far below wall x cores means the
        # machine was busy with something else.
        "process_cpu_s": cpu_s,
        "load_average_before": round(load, 2),
        # Linux: the peak RSS of the largest process waited for so far, in KiB.
        "largest_process_mb": after.ru_maxrss / 1024,
        # The batch process and its render workers together, sampled every 20 ms.
        "all_processes_mb": child["peak_total_rss_mb"],
    }
    print(
        f"c. batch of {count} A6 badges: {result['total_s']:.1f} s "
        f"(data {result['badge_data_s']:.1f} s, render {result['render_s']:.1f} s, "
        f"CPU {cpu_s:.1f} s, load before {load:.1f}), {result['pages']} pages, "
        f"largest process {result['largest_process_mb']:.0f} MB, "
        f"all processes together {result['all_processes_mb']:.0f} MB"
    )
    return result


def _child_batch(database_url: str, count: str, output: str) -> dict[str, Any]:
    from forum.documents.badges import BadgeLayout, badge_for, render_badges
    from forum.extensions import db
    from forum.registration.models import Registration

    sampler = _MemorySampler()
    sampler.start()
    app = _create_app(database_url)
    with app.app_context():
        started = time.perf_counter()
        ids = _confirmed_ids(int(count))
        registrations = [db.session.get(Registration, id_) for id_ in ids]
        badges = [badge_for(registration, BadgeLayout.A6) for registration in registrations]
        built = time.perf_counter()
        pdf = render_badges(badges, BadgeLayout.A6)
        rendered = time.perf_counter()
    sampler.stop()
    Path(output).write_bytes(pdf)
    return {
        "badge_data_s": built - started,
        "render_s": rendered - built,
        "peak_rss_mb": _own_peak_rss_mb(),
        "peak_total_rss_mb": sampler.peak_mb,
    }


class _MemorySampler:
    """The peak of this process's RSS plus its children's, sampled in a thread."""

    def __init__(self, every_s: float = 0.02) -> None:
        import threading

        self.every_s = every_s
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.peak_mb = max(self.peak_mb, _family_rss_mb(os.getpid()))


def _family_rss_mb(pid: int) -> float:
    """RSS of `pid` and its direct children, in MB (from /proc)."""
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if entry.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
            total_kb += int(fields.get("VmRSS", "0 kB").split()[0])
    return total_kb / 1024


# ----------------------------------------------------------- e. the worker's idle round


def measure_idle_round(folder: Path, count: int) -> dict[str, Any]:
    """prerender_badges with every badge current, on `count` confirmed registrations."""
    database_url = f"sqlite:///{folder / 'forum-idle.sqlite3'}"
    _run_self(["build", database_url, str(count)])
    result = json.loads(_run_self(["idle-round", database_url]))
    print(
        f"e. pre-render round, {count} registrations, all current: "
        f"p50 {result['idle']['p50_ms']:.1f} ms, p95 {result['idle']['p95_ms']:.1f} ms; "
        f"with 10 stale: {result['ten_stale_s']:.2f} s ({result['ten_rendered']} rendered)"
    )
    return {"registrations": count, **result}


def _child_idle_round(database_url: str) -> dict[str, Any]:
    from sqlalchemy import select, update

    from forum.documents.badges import (
        DESIGN_VERSION,
        BadgeLayout,
        BadgeRender,
        prerender_badges,
        queue_missing_badges,
    )
    from forum.extensions import db
    from forum.registration.models import Registration

    app = _create_app(database_url)
    with app.app_context():
        # Every badge stored and current. The PDF's bytes do not matter to the round,
        # which must not read them, so a placeholder stands for 10,000 renders.
        queue_missing_badges(BadgeLayout.A6)
        db.session.execute(
            update(BadgeRender).values(
                is_stale=False,
                design=DESIGN_VERSION,
                pdf=b"%PDF-1.7 placeholder " + bytes(30_000),
                rendered_at=datetime.now(UTC),
            )
        )
        db.session.commit()
    rounds = []
    for _ in range(30):
        with app.app_context():
            started = time.perf_counter()
            rendered = prerender_badges(limit=10)
            db.session.commit()
            rounds.append(time.perf_counter() - started)
            assert rendered == 0
    with app.app_context():
        # Ten changes, each committed with its stale mark, as the registration services do.
        for registration in db.session.scalars(select(Registration).limit(10)):
            registration.position = "Deputy Mayor"
        db.session.commit()
        started = time.perf_counter()
        ten = prerender_badges(limit=10)
        db.session.commit()
        ten_s = time.perf_counter() - started
    return {"idle": _summary(rounds), "ten_stale_s": ten_s, "ten_rendered": ten}


def _own_peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM): unlike ru_maxrss, not inherited from the spawner."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _page_count(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        for line in info.stdout.splitlines():
            if line.startswith("Pages:"):
                return int(line.split()[1])
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


# ---------------------------------------------------------------------- d. the programme


def measure_programme(app: Any) -> dict[str, Any]:
    """First download of each booklet (rendered then), then cached downloads."""
    client = app.test_client()
    result: dict[str, Any] = {}
    for lang in ("en", "zh"):
        url = f"/{lang}/programme.pdf"
        started = time.perf_counter()
        first = client.get(url)
        cold_s = time.perf_counter() - started
        assert first.status_code == 200, first.status_code
        body = first.data
        first.close()
        timings = []
        for _ in range(PROGRAMME_DOWNLOADS):
            started = time.perf_counter()
            response = client.get(url)
            data = response.data
            timings.append(time.perf_counter() - started)
            response.close()
            assert data == body
        result[lang] = {"cold_s": cold_s, "pdf_kb": len(body) / 1024, "cached": _summary(timings)}
        print(
            f"d. programme ({lang}): first download {cold_s:.2f} s, cached p95 "
            f"{result[lang]['cached']['p95_ms']:.1f} ms over {PROGRAMME_DOWNLOADS}"
        )
    return result


# ------------------------------------------------------------------------------ report


def _summary(seconds: Sequence[float]) -> dict[str, float]:
    if not seconds:
        return {"n": 0, "p50_ms": float("nan"), "p95_ms": float("nan"), "max_ms": float("nan")}
    ordered = sorted(seconds)
    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def _targets(report: Mapping[str, Any]) -> list[tuple[str, float, float, str]]:
    """(what, measured, target, unit) for every figure with a target."""
    fresh, desk, batch, programme = (
        report["fresh_render"],
        report["desk"],
        report["batch"],
        report["programme"],
    )
    rows = [
        ("a. fresh process: render after imports", fresh["render_s"], TARGET_FRESH_RENDER_S, "s"),
        ("b. desk scan p95, pre-rendered", desk["stored"]["p95_ms"], TARGET_SCAN_P95_MS, "ms"),
        ("c. batch of badges, total", batch["total_s"], TARGET_BATCH_S, "s"),
        (
            "c. batch, peak RSS of all processes",
            batch["all_processes_mb"],
            TARGET_BATCH_RSS_MB,
            "MB",
        ),
        ("e. idle pre-render round p95", report["idle_round"]["idle"]["p95_ms"],
         TARGET_IDLE_ROUND_MS, "ms"),
    ]  # fmt: skip
    for lang in ("en", "zh"):
        rows.append(
            (f"d. programme {lang}, first download", programme[lang]["cold_s"],
             TARGET_PROGRAMME_COLD_S, "s")
        )  # fmt: skip
        rows.append(
            (f"d. programme {lang}, cached p95", programme[lang]["cached"]["p95_ms"],
             TARGET_PROGRAMME_CACHED_P95_MS, "ms")
        )  # fmt: skip
    return rows


def _check_targets(report: Mapping[str, Any]) -> list[str]:
    return [
        f"{what}: {measured:.2f} {unit} (target < {target:g} {unit})"
        for what, measured, target, unit in _targets(report)
        if not measured < target
    ]


def _print_table(report: Mapping[str, Any]) -> None:
    header = f"{'measure':<44} {'value':>12} {'target':>10}  verdict"
    print(f"\n{header}\n{'-' * len(header)}")
    for what, measured, target, unit in _targets(report):
        verdict = "ok" if measured < target else "MISSED"
        print(
            f"{what:<44} {measured:>9.2f} {unit:<2} {'< ' + f'{target:g}':>8} {unit:<2} {verdict}"
        )
    fresh, desk = report["fresh_render"], report["desk"]
    info_rows = [
        ("a. fresh process: imports", fresh["import_s"], "s"),
        ("a. fresh process: whole process", fresh["total_s"], "s"),
        ("b. desk scan p50, pre-rendered", desk["stored"]["p50_ms"], "ms"),
        ("b. desk scan p95, rendered on the spot", desk["not_prerendered"]["p95_ms"], "ms"),
        ("b. prerender_badges, badges per second", desk["prerender_per_s"], "/s"),
    ]
    info_rows += [
        ("c. batch, largest process", report["batch"]["largest_process_mb"], "MB"),
        ("e. pre-render round with 10 stale", report["idle_round"]["ten_stale_s"], "s"),
    ]
    for what, measured, unit in info_rows:
        print(f"{what:<44} {measured:>9.2f} {unit:<2} {'':>11}  (no target)")


def _machine() -> dict[str, Any]:
    import weasyprint

    return {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
    }


def _write_result(filename: str, report: Mapping[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / filename
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------- child processes

CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "build": _child_build,
    "fresh-render": _child_fresh_render,
    "batch": _child_batch,
    "idle-round": _child_idle_round,
}


def _run_self(arguments: list[str]) -> str:
    """Run this file again as a child doing one measurement; returns its JSON line."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child {arguments[0]} failed:\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def _run_child(arguments: list[str]) -> int:
    name, *rest = arguments
    print(json.dumps(CHILDREN[name](*rest)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
