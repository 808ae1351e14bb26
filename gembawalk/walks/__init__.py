"""The manager's walk pages: plan, record, complete, and find walks again."""
