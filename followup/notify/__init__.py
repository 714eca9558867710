"""Reminders that reach the user: daily digest, push notifications, calendar feed, invitations."""
