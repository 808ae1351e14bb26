"""A unit's wall: the anonymous "you said, we did" page, its poster, and the leaders' side."""
