"""Standard questions: a unit's list per kind of walk (rules.py) and a walk's snapshot of them
with its answers (answers.py). No scores: they prompt learning, not grading (README)."""
