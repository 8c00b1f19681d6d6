"""The access gate: the one decision point for every read of customer data."""
