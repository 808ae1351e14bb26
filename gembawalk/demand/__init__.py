"""Demand pages: the tally on a walk (plain forms, enhanced by gw-tally.js), the demand
picture of a unit, and the page that edits a unit's demand types."""
