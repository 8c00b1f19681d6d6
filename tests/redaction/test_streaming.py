"""Numbers dictated across turns of one interaction."""

from __future__ import annotations

from amanah.redaction import StreamRedactor, redact_interaction


def test_card_split_over_two_turns_is_one_entity() -> None:
    s = StreamRedactor()
    first = s.feed("my card is 4111 1111")
    # masked at once, provisionally, because of the "card" cue
    assert first.text == "my card is [CREDIT_CARD]"
    second = s.feed("1111 1111")
    assert second.text == "[CREDIT_CARD]"
    assert second.entities[0].type == "CREDIT_CARD" and second.entities[0].score == 0.99
    # the earlier turn is revised with the validated entity
    text, ents = second.revisions[0]
    assert text == "my card is [CREDIT_CARD]" and ents[0].score == 0.99


def test_nik_split_with_speaker_labels() -> None:
    s = StreamRedactor()
    s.feed("Agen: boleh NIK nya? Nasabah: 3171 0117")
    update = s.feed("Nasabah: 0845 0001")
    assert update.text == "Nasabah: [ID_NIK]"


def test_phone_split_found_by_joint_window() -> None:
    s = StreamRedactor()
    assert s.feed("you can call me on 0812").text == "you can call me on [PHONE_NUMBER]"
    assert s.feed("3456 7890").text == "[PHONE_NUMBER]"


def test_unrelated_turns_untouched() -> None:
    s = StreamRedactor()
    assert s.feed("my order number is 1234 5678").text == "my order number is 1234 5678"
    update = s.feed("and it was 3 days late")
    assert update.text == "and it was 3 days late" and update.revisions == {}


def test_window_is_bounded() -> None:
    s = StreamRedactor(window=2)
    for i in range(10):
        s.feed(f"turn {i}")
    assert len(s._turns) == 2


def _final(turns: list[str]) -> list[str]:
    """Each turn as finally shown, after the revisions later turns brought."""
    s = StreamRedactor()
    shown: dict[int, str] = {}
    for text in turns:
        update = s.feed(text)
        shown[update.index] = update.text
        shown.update({i: t for i, (t, _) in update.revisions.items()})
    return [shown[i] for i in sorted(shown)]


def test_cue_in_an_earlier_turn_masks_the_number_at_once() -> None:
    s = StreamRedactor()
    s.feed("Agent: could I have the card number, please?")
    assert s.feed("Customer: 4111 1111").text == "Customer: [CREDIT_CARD]"


def test_number_continued_past_an_interjection() -> None:
    assert _final(["nomor kartu saya 4111 1111", "Agen: iya, lanjut", "1111 1111"]) == [
        "nomor kartu saya [CREDIT_CARD]",
        "Agen: iya, lanjut",
        "[CREDIT_CARD]",
    ]


def test_number_continued_after_filler_words() -> None:
    assert _final(["nomor kartu 5124 8107", "lanjut ya kak, 5690 0728"])[1] == (
        "lanjut ya kak, [CREDIT_CARD]"
    )


def test_no_continuation_across_a_new_cue() -> None:
    turns = _final(["my card is 4111 1111 1111 1111", "and the extension is 2231"])
    assert turns[1] == "and the extension is 2231"


def test_one_time_code_read_in_halves() -> None:
    assert _final(["Agent: what's the OTP?", "Customer: 482", "Customer: 913"])[1:] == [
        "Customer: [SECRET]",
        "Customer: [SECRET]",
    ]


def test_a_finished_interaction_ends_with_every_revision_applied() -> None:
    """The first half of a card is shown masked provisionally, then revised into the whole
    card once the second half comes: redact_interaction returns what the turns end as."""
    turns = ["my card is 4111 1111", "1111 1111 and that's it", "thanks"]
    final = redact_interaction(turns)
    assert [text for text, _ in final] == [
        "my card is [CREDIT_CARD]",
        "[CREDIT_CARD] and that's it",
        "thanks",
    ]
    assert [e.type for e in final[0][1]] == ["CREDIT_CARD"] and final[2][1] == []
    stream = StreamRedactor(operator="mask")
    assert redact_interaction(turns, stream)[0][0].endswith("1111")
