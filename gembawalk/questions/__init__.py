"""The page that edits a unit's standard questions for each kind of walk."""
