"""Notifications (the in-app inbox and e-mail) and outgoing webhooks, both derived from the
journal: a cursor over journal sequence, like the search index (docs/operations/webhooks.md,
docs/operations/notifications.md)."""
