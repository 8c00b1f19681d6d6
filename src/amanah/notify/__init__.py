"""Outbound messages: email over SMTP and SMS through a provider.

Callers pass values in; nothing here reads the database. Message bodies may hold a
one-time code (SMS) but are never logged.
"""
