"""Cadence: the targets, setting them, and what is still due against them."""
