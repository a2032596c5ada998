"""Department queues, "assign to me" and reassignment with a reason."""
