"""The business rules: plain functions that take the acting person and own the transaction."""
