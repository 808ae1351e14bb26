"""Notifications in the app, the unread count in the navigation, and the weekly digest."""
