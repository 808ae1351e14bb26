"""People and the organisation: accounts, passwords, and the org tree."""
