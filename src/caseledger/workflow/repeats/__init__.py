"""Repeat complaints: a new case of a customer linked to their earlier one on the same
subject within the configured window (settings.REPEAT_WINDOW_DAYS), and the chain."""
