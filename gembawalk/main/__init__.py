"""The home page (Today) and the first-run redirect."""
