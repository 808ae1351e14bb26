"""Engagement figures: their definitions, the days they are summed into, periods, the
leaderboard, trends and exports."""
