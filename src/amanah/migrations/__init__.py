"""Alembic migrations; run by ``amanah init`` and on server start."""
