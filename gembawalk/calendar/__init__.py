"""Calendar feeds and single-walk .ics files."""
