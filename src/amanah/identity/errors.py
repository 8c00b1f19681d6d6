"""Identity errors. Messages never say whether an account or token exists."""

from __future__ import annotations

from amanah.errors import Unauthenticated


class InvalidCredentials(Unauthenticated):
    code = "invalid-credentials"
    title = "Invalid or expired credentials"
