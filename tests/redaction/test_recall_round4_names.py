"""Round 4 of names and addresses: a relative named right after the word ("my son James",
"istri saya Rina"), inner capitals and middle initials ("D'Souza", "MacLeod", "Anna M.
Schultz"), a name in another language or a nickname ("nama Indonesianya ...", "panggilan
..."), lower-case names that open with a word ("dewi anggraini") or an unlisted given name
("saya marojahan simanjuntak"), a self-correction, an address clause that goes on "with my
partner ...", and a branch named by its street; with the look-alikes that must stay
unredacted (school years, jobs, apps after "my son", "Ni Luh" alone, "with light brown")."""

from __future__ import annotations

import pytest

from amanah.redaction import analyze


def spans(text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in analyze(text) if e.type == kind]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # a relative or close one named right after the word, no "is"
        ("calling on behalf of my son james about his debit card", "PERSON", "james"),
        ("my husband budi santoso lost his card", "PERSON", "budi santoso"),
        ("My late father Harold Jenkins left an account here.", "PERSON", "Harold Jenkins"),
        ("my husband, Robert Chen, is the joint holder", "PERSON", "Robert Chen"),
        ("her husband Michael called yesterday", "PERSON", "Michael"),
        ("istri saya Rina Marlina mau buka rekening", "PERSON", "Rina Marlina"),
        ("anak saya Dimas sudah 17 tahun", "PERSON", "Dimas"),
        ("ibu saya Sumarni sedang dirawat", "PERSON", "Sumarni"),
        ("istri saya bernama Siti Aminah", "PERSON", "Siti Aminah"),
        # capitals inside a name, middle initials
        ("Please put it under Declan MacLeod.", "PERSON", "Declan MacLeod"),
        ("The customer Mary D'Souza called.", "PERSON", "Mary D'Souza"),
        ("Signed: Anna M. Schultz", "PERSON", "Anna M. Schultz"),
        ("my name is Sarah K. Lee", "PERSON", "Sarah K. Lee"),
        # a name in another language, a nickname
        ("Saya Oey Hong Lian, nama Indonesianya Hendra Gunawan.", "PERSON", "Hendra Gunawan"),
        ("Nama saya Yohana Sitompul, panggilan Nana.", "PERSON", "Nana"),
        ("nama panggilan saya Ucok", "PERSON", "Ucok"),
        ("my nickname is Tuppy", "PERSON", "Tuppy"),
        # lower case: a given name that is also a word, then a listed name
        ("oke dengan dewi anggraini ya kak", "PERSON", "dewi anggraini"),
        ("saya nur aisyah dari bekasi", "PERSON", "nur aisyah"),
        # lower case: an unlisted given name, then a listed family name
        ("dengan marojahan simanjuntak", "PERSON", "marojahan simanjuntak"),
        ("halo saya hotma sinaga mau tanya saldo", "PERSON", "hotma sinaga"),
        # a self-introduction the speaker corrects
        ("saya butet eh maksudnya rosmawati nasution", "PERSON", "butet"),
        ("saya butet eh maksudnya rosmawati nasution", "PERSON", "rosmawati nasution"),
        # the address ends before "with ...", "bersama ..."; the person after it is found
        (
            "My address is 10 Downing Road, Bristol BS1 4DJ with my wife Anna.",
            "ADDRESS",
            "10 Downing Road, Bristol BS1 4DJ",
        ),
        ("My address is 10 Downing Road, Bristol BS1 4DJ with my wife Anna.", "PERSON", "Anna"),
        (
            "alamat saya Jl. Melati No. 5, Bandung bersama istri saya Rina",
            "ADDRESS",
            "Jl. Melati No. 5, Bandung",
        ),
        # a personal address after a visit to a branch is still redacted
        (
            "Saya sudah ke cabang tadi, tolong kirim kartu ke alamat saya Jl. Mawar No. 8 Bekasi",
            "ADDRESS",
            "Jl. Mawar No. 8 Bekasi",
        ),
        ("tinggal saya di Jl. Cabang Atas No. 3", "ADDRESS", "Jl. Cabang Atas No. 3"),
    ],
)
def test_found_whole_round4(text: str, kind: str, value: str) -> None:
    assert value in spans(text, kind)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # after "my son", "anak saya": a word, a school year, a job, an app is not a name
        ("my daughter will call you tomorrow", "PERSON"),
        ("my wife said the card was blocked", "PERSON"),
        ("my wife grace period ended", "PERSON"),
        ("my son Year 5 at school", "PERSON"),
        ("my mom Facebook account got hacked", "PERSON"),
        ("my sister Instagram", "PERSON"),
        ("Anak saya Kelas 5 SD", "PERSON"),
        ("Teman saya Dokter di RS", "PERSON"),
        ("Ibu saya Pensiunan guru", "PERSON"),
        ("adik saya mau daftar mobile banking", "PERSON"),
        # "Ni Luh" alone (Balinese: "Ms", "girl") names no one
        ("Ni Luh ya kak, yang kemarin telepon", "PERSON"),
        # a nickname cue with no name after it
        ("panggilan video tidak bisa", "PERSON"),
        ("panggilan masuk dari nomor asing", "PERSON"),
        # English adjectives before a surname-like word; Indonesian verbs before a surname
        ("with light brown hair", "PERSON"),
        ("saya kira hutapea", "PERSON"),
        ("maksudnya transfer ke rekening lain", "PERSON"),
        ("I mean Visa not Mastercard", "PERSON"),
        # a branch named by its street is the bank's, not the caller's
        ("KCP Jl. Melawai tutup jam berapa?", "ADDRESS"),
        ("apakah cabang di Jl. Gatot Subroto No. 12 buka hari sabtu?", "ADDRESS"),
        ("The 45 Collins Street branch closed early today.", "ADDRESS"),
        ("outlet di Jl. Pemuda No. 10 masih ada stok?", "ADDRESS"),
    ],
)
def test_left_alone_round4(text: str, kind: str) -> None:
    assert spans(text, kind) == []
