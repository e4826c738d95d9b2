"""Organizers manage categories: names and badge labels in both languages, colour,
public or not, approval or not. Each change is audited in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from forum.audit import Actor
from forum.editing import create_audited, update_fields
from forum.extensions import db
from forum.registration.models import Category

CATEGORY_FIELDS = ("name", "badge_label", "colour", "is_public", "needs_approval", "position")


class CategoryExists(ValueError):
    """Another category has this code."""


def create_category(code: str, values: Mapping[str, Any], actor: Actor) -> Category:
    if db.session.scalar(select(func.count()).where(Category.code == code)):
        raise CategoryExists(code)
    category = Category(code=code, **{name: values[name] for name in CATEGORY_FIELDS})
    return create_audited(category, ("code", *CATEGORY_FIELDS), actor)


def update_category(
    category: Category, values: Mapping[str, Any], actor: Actor
) -> dict[str, list[Any]]:
    return update_fields(category, values, CATEGORY_FIELDS, actor, None)
