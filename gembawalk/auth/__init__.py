"""Signing in and out, changing passwords, and the first-run page."""
