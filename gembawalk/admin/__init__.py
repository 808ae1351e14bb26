"""Admin pages: people, org units and the customer register."""
