"""Follow-ups: the rules, what people read of them, and what devices send."""
