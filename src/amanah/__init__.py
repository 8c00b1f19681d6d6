"""Amanah: a security and privacy platform for contact centres."""

__version__ = "0.1.0"
