"""Placeholder until the admin pages land."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/people")
def people():
    return "people"


@bp.get("/units")
def units():
    return "units"


@bp.get("/customers")
def customers():
    return "customers"
