"""The dashboard's charts: the vendored Chart.js, the figures handed to it, and the tables."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from config import BASE_DIR
from forum.agenda.models import Session
from forum.audit import COMMAND_LINE
from forum.editions.models import Edition
from forum.editions.services import current_edition
from forum.extensions import db
from forum.registration import staff
from forum.registration.models import Registration, RegistrationStatus
from forum.registration.seats import choice_slots
from forum.registration.services import RegistrationData

from .conftest import LoginAs

CHART_JS = "vendor/chartjs/chart.umd.min.js"
VENDOR = Path(BASE_DIR) / "static" / "vendor" / "chartjs"


@pytest.fixture
def edition(changes_data: Flask) -> Edition:
    return current_edition()


@pytest.fixture
def sub_forums(edition: Edition) -> list[Session]:
    (slot,) = choice_slots(edition)
    return slot.sessions


def _register(edition: Edition, email: str, **fields: Any) -> None:
    values: dict[str, Any] = {
        "given_name": "Ana",
        "family_name": "Lima",
        "email": email,
        "country": "BR",
        "category_code": "delegate",
        "preferred_language": "en",
        "consent": True,
    }
    values.update(fields)
    staff.register_by_organizer(edition, RegistrationData(**values), COMMAND_LINE)
    db.session.commit()


def _counts(chart: dict[str, list]) -> dict[str, int]:
    return dict(zip(chart["labels"], chart["registrations"], strict=True))


def _chart_data(page: str) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S
    )
    assert found, "no chart data block on the dashboard"
    return json.loads(found.group(1))


def test_the_vendored_chart_library_is_served_with_its_licence(app: Flask) -> None:
    assert "MIT License" in (VENDOR / "LICENSE.md").read_text()
    assert "Chart.js 4." in (VENDOR / "VERSION").read_text()
    response = app.test_client().get(f"/static/{CHART_JS}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("/*!\n * Chart.js v4.")


def test_the_dashboard_loads_its_scripts_from_our_own_static_path(login_as: LoginAs) -> None:
    response = login_as("organizer").get("/en/admin/")
    page = response.get_data(as_text=True)
    assert f'<script src="/static/{CHART_JS}" defer></script>' in page
    assert '<script src="/static/js/dashboard.js" defer></script>' in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    # No inline script: every <script> either has a src or holds data.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_the_chart_data_holds_the_same_figures_as_the_tables(
    login_as: LoginAs, edition: Edition, sub_forums: list[Session]
) -> None:
    full = sub_forums[0]
    full.capacity = 1
    _register(edition, "in@example.org", session_ids=[full.id], country="DE")
    _register(edition, "wait@example.org", session_ids=[full.id], country="DE")
    _register(edition, "media@example.org", category_code="media", country="GH")
    _register(edition, "gone@example.org", country="FR")
    gone = db.session.scalars(
        db.select(Registration).where(Registration.email == "gone@example.org")
    ).one()
    gone.status = RegistrationStatus.CANCELLED.value
    db.session.commit()

    organizer = login_as("organizer")
    data = _chart_data(organizer.get("/en/admin/").get_data(as_text=True))
    charts = data["charts"]
    assert data["series"]["waiting"] == "Waiting list"
    assert sum(charts["days"]["registrations"]) == 4  # every registration made, by day
    assert _counts(charts["countries"]) == {
        "Germany": 2,
        "Ghana": 1,
    }
    by_category = _counts(charts["categories"])
    assert by_category == {"Delegate": 2, "Media": 1}
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in charts["categories"]["colours"])
    sessions = charts["sessions"]
    first = sessions["labels"].index(full.title.in_language("en"))
    assert sessions["capacity"][first] == 1
    assert sessions["confirmed"][first] == 1
    assert sessions["waiting"][first] == 1
    assert len(sessions["labels"]) == len(sub_forums)


def test_the_chart_data_reads_in_chinese(
    login_as: LoginAs, edition: Edition, sub_forums: list[Session]
) -> None:
    _register(edition, "in@example.org", session_ids=[sub_forums[0].id], country="DE")
    # Only Chinese pages in this test: the test's one app context keeps the first
    # language's catalogue.
    chinese = _chart_data(login_as("organizer").get("/zh/admin/").get_data(as_text=True))
    assert chinese["series"]["waiting"] == "候补名单"
    assert chinese["charts"]["countries"]["labels"] == ["德国"]
    assert chinese["charts"]["categories"]["labels"] == ["代表"]
    assert sub_forums[0].title.in_language("zh") in chinese["charts"]["sessions"]["labels"]


def test_the_check_in_desk_gets_no_charts(login_as: LoginAs) -> None:
    page = login_as("checkin").get("/en/admin/").get_data(as_text=True)
    assert "dashboard-data" not in page and CHART_JS not in page
