"""Round 8: an agent's introduction ("this is X with ...", "you're through to X at ...",
"hiya, X speaking"), a name with a particle before "here", the CVV as "the three on the
back" or "the four printed on the front", and words that are no name: a holiday, a
language after "it's", a place after "ke", a brand used before a noun or joined by "&"."""

from __future__ import annotations

import pytest

from amanah.redaction.testing import found, kinds


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Thanks for calling, this is Priyanka with the billing team, who am I speaking to?",
         "Priyanka"),
        ("You're through to Torvald at Telkomsel, can I take your name?", "Torvald"),
        ("Hiya, Oksana speaking from the Leeds office.", "Oksana"),
        ("Hi, Femke van Dijk here, the airline charged me twice.", "Femke van Dijk"),
        ("Hello, this is Ingeborg at Mandiri, how may I help?", "Ingeborg"),
    ],
)  # fmt: skip
def test_agent_introduction(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(
    ("text", "cvv"),
    [
        ("Valid to 04/29, and the three on the back are 317.", "317"),
        ("The Amex ends the usual way and the four digits printed on the front are 2048.",
         "2048"),
        ("the three numbers on the back are 905", "905"),
    ],
)  # fmt: skip
def test_cvv_on_the_back_or_front(text: str, cvv: str) -> None:
    assert ("CARD_CVV", cvv) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "The office is closed on 17 August for Independence Day, right?",
        "It's Japanese, the manual I mean.",
        "Mau kirim ke Malaysia, alamatnya nanti saya kirim.",
        "The Calvin Klein jacket never came and the Hugo Boss one was torn.",
        "Saya beli tas Marks & Spencer kemarin, belum sampai.",
        "Hiya, Monday works for me.",
        "I am with Telkomsel.",
        "the three on the back are closed today",
    ],
)  # fmt: skip
def test_not_a_person_or_cvv(text: str) -> None:
    assert not kinds(text) & {"PERSON", "CARD_CVV"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("It's Brian, from accounts.", "Brian"),
        ("Transfer ke Budi, ya.", "Budi"),
        ("I spoke to the James Wilson who called yesterday.", "James Wilson"),
    ],
)  # fmt: skip
def test_names_kept(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "You're through to Billing, how can I help?",
        "you're through to Sales, good morning",
        "Thanks for calling, you're through to Reservations.",
        "Anda terhubung dengan Collections, ada yang bisa dibantu?",
    ],
)
def test_a_department_an_agent_answers_for_is_no_name(text: str) -> None:
    assert "PERSON" not in kinds(text)


def test_the_agent_after_the_department_is_still_named() -> None:
    text = "Thanks for calling, you're through to Reservations, this is Dewi."
    assert found(text) == {("PERSON", "Dewi")}
    assert found("You're through to Nadia, how can I help?") == {("PERSON", "Nadia")}
