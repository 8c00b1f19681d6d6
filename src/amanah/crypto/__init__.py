"""Envelope encryption, keyrings, blind index and TLS.

Imports nothing from the rest of amanah: settings values are passed in.
"""
