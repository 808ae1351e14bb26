"""GET /api/v1/leaderboard: a unit's managers ranked over a period, the same figures as the page."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..services.engagement import exports, leaderboard
from ..services.engagement.periods import choose_period, parse_day
from ..services.errors import Invalid
from ..services.validation import record_id

bp = Blueprint("leaderboard", __name__)


@bp.get("/leaderboard")
@login_required
def board():
    unit = request.args.get("unit") or None
    unit_id = request.args.get("unit", type=record_id)
    if unit is not None and unit_id is None:
        raise Invalid({"unit": _("Give the org unit as its id, a whole number.")})
    period = choose_period(
        first=parse_day(request.args.get("from"), "from"),
        last=parse_day(request.args.get("to"), "to"),
    )
    found = leaderboard.leaderboard(current_user, unit_id, period)
    return jsonify(exports.board_json(found))


SHARE = {
    "type": ["number", "null"],
    "minimum": 0,
    "description": "A share from 0 to 1 (cadence attainment may pass 1); null where there is "
    "nothing to divide by.",
}
COUNT = {"type": "integer", "minimum": 0}

SCHEMAS = {
    "LeaderboardRow": {
        "type": "object",
        "required": [
            "rank",
            "manager",
            "customer_engagements",
            "customer_contacts",
            "days_since_last_customer_engagement",
            "cadence_attainment",
            "gemba_walks",
            "gemba_walk_attainment",
            "streak_weeks",
            "plan_adherence",
            "on_time_share",
            "observations",
            "failure_demand_share",
            "follow_ups_open",
            "follow_ups_overdue",
        ],  # fmt: skip
        "properties": {
            "rank": {"type": "integer", "minimum": 1, "description": "Equal figures share a rank."},
            "manager": {
                "type": "object",
                "required": ["id", "name", "email"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "email": {"type": "string"},
                },
            },
            "customer_engagements": COUNT,
            "customer_contacts": COUNT,
            "days_since_last_customer_engagement": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "Whole days from the last customer engagement to the period's "
                "end (or today); null for never.",
            },
            "cadence_attainment": {
                **SHARE,
                "description": "Customer engagements ÷ the customer-visit cadence target over "
                "the days the manager was measured on (from joining to leaving, prorated); may "
                "pass 1; null where there is no target.",
            },
            "gemba_walks": {**COUNT, "description": "Gemba walks done in the period."},
            "gemba_walk_attainment": {
                **SHARE,
                "description": "Done gemba walks ÷ the gemba-walk cadence target over the same "
                "days; may pass 1; null where there is no target.",
            },
            "streak_weeks": {**COUNT, "description": "Capped at 52 (a year or more)."},
            "plan_adherence": SHARE,
            "on_time_share": SHARE,
            "observations": COUNT,
            "failure_demand_share": SHARE,
            "follow_ups_open": COUNT,
            "follow_ups_overdue": COUNT,
        },
    },
    "Leaderboard": {
        "type": "object",
        "required": ["unit", "from", "to", "rows"],
        "properties": {
            "unit": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "rows": {"type": "array", "items": {"$ref": "#/components/schemas/LeaderboardRow"}},
        },
    },
}

PATHS = {
    "/leaderboard": {
        "get": {
            "summary": "The managers of an org unit and the units below it, ranked",
            "description": "Ranked by cadence attainment, then customer engagements, then "
            "fewest days since the last one; managers who never engaged at the bottom. Days "
            "are in the organisation's time zone, weeks start on Monday.",
            "parameters": [
                {
                    "name": "unit",
                    "in": "query",
                    "schema": {"type": "integer"},
                    "description": "An org unit the caller leads (or one below it); by default "
                    "the highest one they lead.",
                },
                {
                    "name": "from",
                    "in": "query",
                    "schema": {"type": "string", "format": "date"},
                    "description": "First day, YYYY-MM-DD, included. Default: 27 days before to.",
                },
                {
                    "name": "to",
                    "in": "query",
                    "schema": {"type": "string", "format": "date"},
                    "description": "Last day, YYYY-MM-DD, included. Default: today.",
                },
            ],
            "responses": {
                "200": {
                    "description": "The leaderboard",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Leaderboard"}}
                    },
                },
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "422": {"$ref": "#/components/responses/Error"},
            },
        }
    }
}
