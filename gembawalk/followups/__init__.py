"""Follow-ups: My follow-ups, making one, closing one, closure rates for directors."""
