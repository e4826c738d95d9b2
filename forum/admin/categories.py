"""Categories in the staff area: the list, a new one, and editing one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from forum.accounts.access import PROGRAMME, current_actor, role_required, staff_blueprint
from forum.admin.forms import CategoryForm
from forum.audit import history_of
from forum.extensions import db
from forum.registration.categories import CategoryExists, create_category, update_category
from forum.registration.listing import categories_in_order
from forum.registration.models import Category

bp = staff_blueprint("categories", __name__, url_prefix="/<lang:lang>/admin/categories")


@bp.route("/")
@role_required(*PROGRAMME)
def index() -> str:
    return render_template("admin/categories.html", categories=categories_in_order())


@bp.route("/new", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def new() -> Response | str:
    form = CategoryForm()
    if request.method == "GET":
        form.colour.data = "#6b7280"
    if form.validate_on_submit():
        try:
            category = create_category(form.code.data, form.values(), current_actor())
        except CategoryExists:
            db.session.rollback()
            form.code.errors.append(_("Another category has this code."))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".edit", category_id=category.id))
    return render_template("admin/category_form.html", form=form, category=None, history=[])


@bp.route("/<int:category_id>", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def edit(category_id: int) -> Response | str:
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    # The code names the category in imports and exports: it does not change.
    form.code.data = category.code
    if form.validate_on_submit():
        update_category(category, form.values(), current_actor())
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".edit", category_id=category.id))
    return render_template(
        "admin/category_form.html",
        form=form,
        category=category,
        history=history_of("category", category.id),
    )
