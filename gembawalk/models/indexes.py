"""Indexes the engagement figures read through: each figure's query is bounded by a period
and a set of managers, and these let it touch only those rows
(see services/engagement/figures.py)."""

from sqlalchemy import Index, text

from .walks import FollowUp, Observation, Walk, walk_customers

ENGAGEMENT_INDEXES = (
    # Done walks in a period, per manager.
    Index("ix_walks_manager_completed", Walk.manager_id, Walk.completed_at),
    # Walks planned for a period, per manager (plan adherence).
    Index("ix_walks_manager_planned", Walk.manager_id, Walk.planned_start),
    # Walks on which customers were spoken to: the last engagement and the streak read only
    # these (from the index alone), so a manager's gemba walks never lengthen the search.
    Index(
        "ix_walks_customer_contact",
        Walk.manager_id,
        Walk.completed_at,
        Walk.status,
        Walk.customers_spoken_to,
        sqlite_where=text("customers_spoken_to >= 1"),
        postgresql_where=text("customers_spoken_to >= 1"),
    ),
    # Observations in a period, per author, counted by category without reading the notes.
    Index(
        "ix_observations_author_made",
        Observation.author_id,
        Observation.made_at,
        Observation.category,
        Observation.waste_type,
    ),
    # Open follow-ups per owner.
    Index("ix_follow_ups_owner_status", FollowUp.owner_id, FollowUp.status, FollowUp.due_date),
    # A customer's walks, for when each customer was last engaged.
    Index("ix_walk_customers_customer", walk_customers.c.customer_id),
)
