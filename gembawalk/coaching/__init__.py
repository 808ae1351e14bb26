"""Coaching: the review queue, comments on walks and observations, marking reviewed."""
