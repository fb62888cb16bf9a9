"""Texts to service users: reminders through an outbox, sent exactly once, privately, with consent."""
