"""What a web worker loads when it starts: only what serving pages needs.

Start-up time is measured in bench/run.py; this keeps the slow imports that are only
needed to print, export, import or migrate from creeping back into `import wsgi`.
"""

from __future__ import annotations

import os
import subprocess
import sys

from forum import ROOT

# Each costs tens of milliseconds or more to import, and most processes never use it.
LOADED_ON_FIRST_USE = [
    "weasyprint",  # badges and the programme booklet
    "pypdf",  # joining badge batches
    "pypinyin",  # sorting Chinese names
    "icalendar",  # calendar feeds and e-mail attachments
    "openpyxl",  # XLSX export and import
    "flask_migrate",  # `flask db …` and the migration tests
    "alembic",
]

REPORT_LOADED = """
import sys
import wsgi
print(" ".join(name for name in sys.argv[1:] if name in sys.modules))
"""


def _python(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={**os.environ, "FLASK_APP": "wsgi"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_starting_the_site_leaves_the_slow_libraries_unloaded() -> None:
    result = _python("-c", REPORT_LOADED, *LOADED_ON_FIRST_USE)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


def test_flask_db_commands_still_work_when_migrations_load_late() -> None:
    flask = ["-m", "flask"]

    listed = _python(*flask, "db", "--help")
    heads = _python(*flask, "db", "--directory", "forum/migrations", "heads")

    assert listed.returncode == 0, listed.stderr
    assert "upgrade" in listed.stdout and "downgrade" in listed.stdout
    assert heads.returncode == 0, heads.stderr
    assert "(head)" in heads.stdout
