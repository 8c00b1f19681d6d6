"""Staff accounts, service accounts, factors, sessions and step-up."""
