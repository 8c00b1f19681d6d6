"""Customers, sensitive fields, interactions, transcripts, masking and exports."""
