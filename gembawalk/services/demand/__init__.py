"""Demand: the types a unit's customers bring (types.py), tallies heard on walks (tallies.py),
the demand picture of a unit and period (picture.py), and whether a fix reduced it (fixes.py)."""
