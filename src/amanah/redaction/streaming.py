"""Streaming redaction for one interaction: numbers dictated across several turns.

Design choice: **redact retroactively, and mask a dangling number at once**.

Each :meth:`StreamRedactor.feed` analyses the new turn together with the last
few turns of the same interaction (``window`` turns, at most ``window_chars``
characters), so "my card is 4111 1111" + "1111 1111 1111" is found as one card
number. The parts that fall in earlier turns come back as ``revisions``: the
caller replaces what it showed (chat UIs and transcript stores can edit a
message; holding messages back would delay every chat turn).

So that the first half is not shown in clear while the caller waits for the
second, a trailing run of three or more digits right after a context cue
("card", "nomor kartu", "NIK", "rekening", "OTP", ...) is masked provisionally
with the cue's type (score 0.5). A turn's entities only ever grow: a later
window never un-redacts a span.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from .context import Cues
from .engine import PHONE_REGIONS, Lang, Redactor, apply, default_redactor
from .model import ENTITY_TYPES, Entity
from .operators import Operator, get_operator
from .recognizers import NUM_RUN_RE
from .spoken import DIGIT_WORDS, OffsetMap, normalise
from .validators import nik_ok, phone_ok

_CUE_TYPE = {
    "CARD": "CREDIT_CARD",
    "NIK": "ID_NIK",
    "NPWP": "ID_NPWP",
    "PHONE": "PHONE_NUMBER",
    "ACCOUNT": "BANK_ACCOUNT",
    "BANK": "BANK_ACCOUNT",
    "SECRET": "SECRET",
    "PASSPORT": "PASSPORT",
    "SSN": "US_SSN",
}
_TAIL = re.compile(r"[\s.,…\-]*$")
# ... or a number the speaker breaks off to hold the line: "0896 bentar", "5432 1643,
# sebentar saya ambil kacamata dulu", "4111 1111, hold on, let me find my glasses".
_ASIDE_TAIL = re.compile(
    r"(?i)[\s.,…\-]*(?:(?:eh|uh|um|em|ah|oh)[\s.,…\-]+)?"
    r"(?:(?:se)?bentar|tunggu|wait|hold on|hang on|one sec(?:ond)?|just a sec(?:ond)?)"
    r"(?![\w])[^\d]*$"
)
# What may come before a continued number: a speaker label, a few filler words ("ok",
# "lanjut ya kak,", "then", "sorry, the middle two are") -- checked to hold no cue of
# another kind.
_LEAD = re.compile(r"\s*(?:[A-Za-z][\w ]{0,15}:\s*)?(?:[A-Za-z]+(?:'[a-z]+)?[\s,.!:]*){0,8}")
_NUMERIC = frozenset(_CUE_TYPE.values())
# A digit left out, said in the next turn: "eh kurang satu, belakangnya 4", "sorry I missed
# a digit, at the end 6".
_CORRECTION_RE = re.compile(
    r"(?i)(?<![\w])(?:kurang\s+(?:satu|se|1)(?:\s+(?:angka|digit|nomor))?|ketinggalan|kelewatan|"
    r"kelupaan|lupa\s+(?:satu|se|1)|(?:missed|forgot|skipped|left\s+out)\s+(?:a|one|the\s+last)\s+"
    r"(?:digit|number)|one\s+more\s+digit|(?:there'?s|ada)\s+(?:one|satu)\s+(?:more|lagi))(?![\w])"
)
_END_RE = re.compile(r"[\s.,!…]*$")
# Two digits said in words closing a turn ("middle two are eight two", "tengahnya dua satu"):
# normalise leaves a run of fewer than three digits in words.
_DIGIT_WORD = "|".join(sorted((w for w in DIGIT_WORDS if len(w) > 1), key=len, reverse=True))
_WORD_PAIR = rf"(?i)(?<![\w])(?:{_DIGIT_WORD})[\s,]+(?:{_DIGIT_WORD})"
_WORD_PAIR_END_RE = re.compile(_WORD_PAIR + r"(?=[\s.,!…]*$)")  # closing the turn
_WORD_PAIR_RE = re.compile(_WORD_PAIR + r"(?![\w])")  # anywhere, as a whole
# The place of a piece said before it: "and last four 3165", "middle two are 82".
_PLACE_RE = re.compile(
    r"(?i)(?<![\w])(?:first|middle|next|last|final)\s+(?:two|three|four|five|six|2|3|4|5|6)"
    r"(?:\s+digits?)?(?:\s+(?:are|is))?[\s,:]*$"
)
# An address's domain opening a turn, after a few filler words: "ok, at fastmail dot com",
# "et yahoo titik com", "@gmail.com".
_DOMAIN_RE = re.compile(
    r"(?i)\s*(?:(?:ok(?:ay)?|oke|yes|ya|iya|yeah|so|and|terus|lalu|then|it's|itu)[\s,.]+){0,3}"
    r"(?P<v>(?:(?:at|et|keong)\s+|@\s?)[a-z0-9-]+"
    r"(?:\s*\.\s*[a-z0-9-]+|\s+(?:dot|titik)\s+[a-z0-9-]+)+)(?![\w@])"
)
# "plus six five" closing a turn: a country code, the rest of the number still to come
_PLUS_CODE_END_RE = re.compile(rf"(?i)(?<![\w])plus(?:[\s,]+(?:{_DIGIT_WORD})){{1,3}}$")
# A number dictated in pieces after a bare "nomornya", "the number is": a phone's opening
# digits (a trunk "0" or a "+"), masked as a phone until the rest comes.
_PHONE_OPENING_RE = re.compile(r"(?:\+|0[1-9])[\d .\-]*")


@dataclass(frozen=True, slots=True)
class StreamUpdate:
    """The redaction of the turn just fed, and of earlier turns whose redaction changed."""

    index: int
    text: str
    entities: list[Entity]
    revisions: dict[int, tuple[str, list[Entity]]] = field(default_factory=dict)


@dataclass(slots=True)
class _Turn:
    index: int
    text: str
    entities: list[Entity]


def _merge(old: list[Entity], new: list[Entity]) -> list[Entity]:
    """New spans win where they overlap old ones; other old spans stay (never un-redact)."""
    out = list(new)
    for o in old:
        if all(o.end <= n.start or o.start >= n.end for n in new):
            out.append(o)
    out.sort()
    return out


def _last_with_digits(context: list[_Turn]) -> _Turn | None:
    """The latest earlier turn with a digit, past short interjections without one
    ("Agent: mm-hm, go on", "ok lanjut"): a number dictated around them continues."""
    for prev in reversed(context):
        if _read_back(prev):
            continue  # "after 0247?": the other side checking what it heard
        if any(c.isdigit() for c in normalise(prev.text)[0]):
            return prev
        if prev.entities and prev.entities[-1].type in _NUMERIC:
            return prev  # two digits said in words ("PIN saya tiga lima..."): left as words
        if len(prev.text) > 60:
            return None
    return None


# The speaker correcting the piece just said: "9163, no wait, 9136", "4471 eh salah, 4417"
_SELF_FIX_RE = re.compile(
    r"(?i)[\s,.]+(?:no\s+wait|no\s+sorry|sorry|i\s+mean|(?:eh\s+)?salah|eh\s+bukan|"
    r"maksud(?:nya|ku|\s+saya)?|wait|oops)[\s,.:]+(?=\d)"
)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _read_back(turn: _Turn) -> bool:
    """A short question that holds no entity: "Sorry, after 0247?", "0812 and then?"."""
    return not turn.entities and len(turn.text) <= 60 and turn.text.rstrip().endswith("?")


class StreamRedactor:
    """Redact the turns of one interaction in order. One instance per interaction."""

    def __init__(
        self,
        redactor: Redactor | None = None,
        *,
        operator: Operator | str = "replace",
        lang: Lang | str = "auto",
        window: int = 4,
        window_chars: int = 400,
        provisional: bool = True,
    ) -> None:
        self.redactor = redactor or default_redactor()
        self.operator = get_operator(operator) if isinstance(operator, str) else operator
        self.lang = lang
        self.window = window
        self.window_chars = window_chars
        self.provisional = provisional
        self._turns: deque[_Turn] = deque(maxlen=max(1, window))
        self._next = 0

    def feed(self, text: str) -> StreamUpdate:
        turn = _Turn(self._next, text, [])
        self._next += 1
        context: list[_Turn] = []
        size = len(text)
        for prev in reversed(self._turns):
            if size + len(prev.text) + 1 > self.window_chars:
                break
            context.insert(0, prev)
            size += len(prev.text) + 1
        turns = [*context, turn]
        joined = " ".join(t.text for t in turns)
        found = self.redactor.analyze(joined, self.lang)
        before = {t.index: list(t.entities) for t in context}
        offset = 0
        for t in turns:
            end = offset + len(t.text)
            segs = [
                Entity(max(e.start, offset) - offset, min(e.end, end) - offset, e.type, e.score)
                for e in found
                if e.start < end and e.end > offset
            ]
            t.entities = _merge(t.entities, [s for s in segs if s.end > s.start])
            offset = end + 1
        if self.provisional:
            turn.entities = _merge(turn.entities, self._dangling(turn, joined))
            prev = _last_with_digits(context)
            if prev is not None:
                turn.entities = _merge(turn.entities, self._continued(prev, turn))
                _split_across(prev, turn, joined)
            if context and ("at" in text or "et" in text or "@" in text or "keong" in text):
                turn.entities = _merge(turn.entities, _email_domain(context, turn))
            wanted = self.redactor.entities
            if len(wanted) < len(ENTITY_TYPES):  # the stream's own finds obey the redactor's types
                for t in turns:
                    t.entities = [e for e in t.entities if e.type in wanted]
        self._turns.append(turn)
        revisions = {
            t.index: (apply(t.text, t.entities, self.operator), t.entities)
            for t in context
            if t.entities != before[t.index]
        }
        return StreamUpdate(
            turn.index, apply(text, turn.entities, self.operator), turn.entities, revisions
        )

    def _continued(self, prev: _Turn, turn: _Turn) -> list[Entity]:
        """A number opening this turn continues a number that closed the previous turn."""
        if not prev.entities:
            return []
        last = prev.entities[-1]
        rest = prev.text[last.end :]
        if last.type not in _NUMERIC or (
            rest.strip(" .,…-") != "" and _ASIDE_TAIL.match(rest) is None
        ):
            return []
        norm, offsets = normalise(turn.text)
        fix = _CORRECTION_RE.search(norm)
        if fix is not None:
            return self._correction(norm, offsets, fix.end(), last.type, turn)
        m = NUM_RUN_RE.search(norm)
        pair = _WORD_PAIR_RE.search(norm) if last.type == "US_SSN" else None
        if pair is not None and (m is None or pair.start() < m.start()):
            start, end = pair.start(), pair.end()  # an SSN's middle two: "then six six, ..."
        elif m is not None:
            count = sum(c.isdigit() for c in m.group())
            start, end = m.start(), m.start() + len(m.group().rstrip(" .-/"))
            # two digits only when they close the turn: "middle two 91" (an SSN's 3-2-4)
            if count < 2 or (count == 2 and _END_RE.match(norm, m.end()) is None):
                return []
        elif (last.score <= 0.5 or last.type == "SECRET") and (
            pair := _WORD_PAIR_END_RE.search(norm)
        ) is not None:
            # (only while the number is still open, or a PIN's second half: a PIN said in
            # halves is short enough to be taken whole by the recognizers)
            start, end = pair.start(), pair.end()
        else:
            return []
        lead = _LEAD.match(norm, 0, start)
        if lead is None or lead.end() != start:
            return []
        if Cues(_PLACE_RE.sub("", norm[:start])).cats:  # "last four": the closing piece
            return []
        if _read_back(turn) and _digits(normalise(last.value(prev.text))[0]).endswith(
            _digits(norm[start:end])
        ):
            return []  # "after 0247?": the digits just said, read back
        s, e = offsets.span(start, end)
        if any(x.start < e and x.end > s for x in turn.entities):
            return []
        out = [Entity(s, e, last.type, 0.5)]
        fix = _SELF_FIX_RE.match(norm, end)
        again = NUM_RUN_RE.match(norm, fix.end()) if fix is not None else None
        if again is not None and len(_digits(again.group())) == len(_digits(norm[start:end])):
            s, e = offsets.span(again.start(), again.start() + len(again.group().rstrip(" .-/")))
            out.append(Entity(s, e, last.type, 0.5))  # "9163, no wait, 9136": said again
        return out

    def _correction(
        self, norm: str, offsets: OffsetMap, after: int, kind: str, turn: _Turn
    ) -> list[Entity]:
        """The digits closing a turn that says one was left out of the number before."""
        last = None
        for m in NUM_RUN_RE.finditer(norm, after):
            last = m
        if last is None or _END_RE.match(norm, last.end()) is None:
            return []
        if not 1 <= sum(c.isdigit() for c in last.group()) <= 4:
            return []
        s, e = offsets.span(last.start(), last.end())
        if any(x.start < e and x.end > s for x in turn.entities):
            return []
        return [Entity(s, e, kind, 0.5)]

    def _dangling(self, turn: _Turn, joined: str) -> list[Entity]:
        """A number at the very end of the turn, after a cue, that no recognizer took (yet).

        ``joined`` is the analysed window, which ends with this turn: the cue may sit in an
        earlier turn ("Agent: the card number, please" / "Customer: 4111 1111").
        """
        begin = len(joined) - len(turn.text)
        norm, offsets = normalise(joined)
        tail = _TAIL.search(norm)
        stop = tail.start() if tail else len(norm)
        aside = _ASIDE_TAIL.search(norm, len(norm) - len(turn.text))
        if aside is not None:
            stop = min(stop, aside.start())
        last = None
        for m in NUM_RUN_RE.finditer(norm, 0, stop):
            last = m
        if last is None or last.end() < stop:
            return _plus_code(norm, offsets, stop, begin, turn)
        cues = Cues(norm)
        cue = cues.closest(last.start(), last.end())
        kind = _CUE_TYPE.get(cue or "")
        count = sum(c.isdigit() for c in last.group())
        if (
            cue is None
            and count >= 4
            and cues.number_near(last.start())
            and _PHONE_OPENING_RE.fullmatch(last.group())  # "nomornya kosong delapan ..."
        ):
            kind = "PHONE_NUMBER"
        if kind is None:
            return []
        if count < 3:
            return []  # three digits: an OTP's half, the first words of "tujuh tiga kosong ..."
        s, e = offsets.span(last.start(), last.end())
        if s < begin:
            return []
        s, e = s - begin, e - begin
        if any(x.start < e and x.end > s for x in turn.entities):
            return []
        return [Entity(s, e, kind, 0.5)]


# A piece of a number closing a turn, unfinished ("It's 1271 0128...", "391... hold on"),
# whose rest opens a later turn, with short turns between ("Okay, and the rest?").
_OPEN_END_RE = re.compile(r"[\s,…\-]*(?:\.\.\.?|…)?[\s.]*$")


# "eight digits only": a count after a number, not a piece of it
_COUNT_AFTER_RE = re.compile(r"(?i)\s+(?:digits?|angka|numbers?)(?![\w])")
_LAST_WORD_RE = re.compile(r"[\s,.\-]+[\w-]+$")


def _split_across(prev: _Turn, turn: _Turn, joined: str) -> None:
    """Two pieces of one number in two turns that no recognizer took, labelled in both when
    the digits joined vouch for a type: a valid NIK; a valid phone with a phone cue in the
    window; a code of 4 to 8 digits with a code cue ("read me the six-digit code")."""
    p_norm, p_off = normalise(prev.text)
    last = None
    for m in NUM_RUN_RE.finditer(p_norm):
        last = m
    if last is None:
        return
    rest = p_norm[last.end() :]
    if _OPEN_END_RE.fullmatch(rest) is None and _ASIDE_TAIL.fullmatch(rest) is None:
        return
    norm, offsets = normalise(turn.text)
    first = NUM_RUN_RE.search(norm)
    if first is None:
        return
    lead = _LEAD.match(norm, 0, first.start())
    if lead is None or lead.end() != first.start() or Cues(norm[: first.start()]).cats:
        return
    s, e = offsets.span(first.start(), first.start() + len(first.group().rstrip(" .-/")))
    if _COUNT_AFTER_RE.match(turn.text, e):  # "two six seven five, eight digits only"
        cut = _LAST_WORD_RE.search(turn.text, s, e)
        e = cut.start() if cut is not None else e
    a, b = _digits(last.group()), _digits(normalise(turn.text[s:e])[0])
    if len(a) < 3 or len(b) < 3:
        return
    spans = [p_off.span(last.start(), last.start() + len(last.group().rstrip(" .-/"))), (s, e)]
    for t, (s, e) in zip((prev, turn), spans, strict=True):
        if any(x.start < e and x.end > s for x in t.entities):
            return
    kind = _joined_kind(a + b, Cues(normalise(joined)[0]))
    if kind is None:
        return
    for t, (s, e) in zip((prev, turn), spans, strict=True):
        t.entities = _merge(t.entities, [Entity(s, e, kind, 0.6)])


def _joined_kind(digits: str, cues: Cues) -> str | None:
    """What the digits of a number said in two turns are, if they vouch for it."""
    if nik_ok(digits):
        return "ID_NIK"
    if 8 <= len(digits) <= 13 and cues.has("PHONE") and phone_ok(digits, PHONE_REGIONS["mixed"]):
        return "PHONE_NUMBER"
    if 4 <= len(digits) <= 8 and cues.has("SECRET"):
        return "SECRET"
    return None


def _email_domain(context: list[_Turn], turn: _Turn) -> list[Entity]:
    """The domain of an address opening this turn ("at fastmail dot com"), when its first
    part closed an earlier turn ("the email's rosalind dot achebe"), past short turns
    between ("and the domain?")."""
    for prev in reversed(context):
        if prev.entities:
            last = prev.entities[-1]
            if last.type != "EMAIL_ADDRESS" or prev.text[last.end :].strip(" .,…") != "":
                return []
            break
        if len(prev.text) > 60:
            return []
    else:
        return []
    m = _DOMAIN_RE.match(turn.text)
    if m is None:
        return []
    s, e = m.start("v"), m.end("v")
    if any(x.start < e and x.end > s for x in turn.entities):
        return []
    return [Entity(s, e, "EMAIL_ADDRESS", 0.7)]


def _plus_code(norm: str, offsets: OffsetMap, stop: int, begin: int, turn: _Turn) -> list[Entity]:
    """A country code said after "plus" closing the turn, after a phone cue ("my number is
    plus six five..."): masked as a phone until the rest comes. (Two digit words stay
    words in ``norm``.)"""
    if "plus" not in norm[max(0, stop - 40) : stop].lower():
        return []
    m = _PLUS_CODE_END_RE.search(norm, max(0, stop - 40), stop)
    if m is None or Cues(norm).closest(m.start(), m.end()) != "PHONE":
        return []
    s, e = offsets.span(m.start(), m.end())
    if s < begin or any(x.start < e - begin and x.end > s - begin for x in turn.entities):
        return []
    return [Entity(s - begin, e - begin, "PHONE_NUMBER", 0.5)]


def redact_interaction(
    turns: Iterable[str], stream: StreamRedactor | None = None
) -> list[tuple[str, list[Entity]]]:
    """Every turn of a finished interaction as it ends up, each later turn's revisions
    applied: ``(redacted text, entities)`` per turn, in order. A stored transcript
    redacted after the fact gets the same rules as live chat; pass a configured ``stream``
    (a fresh one) for another redactor, operator or window."""
    stream = stream or StreamRedactor()
    out: list[tuple[str, list[Entity]]] = []
    for turn in turns:
        update = stream.feed(turn)
        out.append((update.text, update.entities))
        for index, revised in update.revisions.items():
            out[index] = revised
    return out
