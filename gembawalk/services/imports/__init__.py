"""Importing people and customers from a CSV file: read it, plan every change, apply the plan
all at once or not at all. The command line and the admin page both call these services."""
