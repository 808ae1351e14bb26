"""The demo organisation: a council's services with half a year of walks, for trying the app."""
