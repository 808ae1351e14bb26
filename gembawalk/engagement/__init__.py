"""Engagement pages: my figures on Today, leaderboards, trends, customers and exports."""
