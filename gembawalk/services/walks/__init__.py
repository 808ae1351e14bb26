"""Walks: the loop from plan to done, repeating series, the agenda and calendar feeds."""
