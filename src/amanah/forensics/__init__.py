"""Forensics: fingerprinted exports, tracing a leaked file to its export, honeytokens.

Sits above the vault and the audit trail (it matches leaked rows to customers
through the vault's blind index), so it has its own package: ``audit`` stays
free of vault imports.
"""
