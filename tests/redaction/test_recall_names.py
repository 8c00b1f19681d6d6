"""Names and addresses in the shapes new writers use: lower-case ASR names, particles
(bin/binti, de, al, van), spelled names, document cues, multi-part Balinese and Hokkien
names, spoken Singapore and US addresses, lower-case Indonesian ones; and the look-alikes
(demonyms, codes after a title, business premises) that must stay unredacted."""

from __future__ import annotations

import pytest

from amanah.redaction import analyze
from amanah.redaction.names import name_extent


def spans(text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in analyze(text) if e.type == kind]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # lower-case names after a weak cue: a particle, a listed or an unlisted surname
        ("speaking with maria da silva the account holder", "PERSON", "maria da silva"),
        ("hi this is fransiska wolo from ende", "PERSON", "fransiska wolo"),
        ("saya yohanes boli mau tanya soal kartu", "PERSON", "yohanes boli"),
        ("its ahmad bin ismail here", "PERSON", "ahmad bin ismail"),
        ("sy petrus lamablawa nasabah prioritas", "PERSON", "petrus lamablawa"),
        ("dengan siti binti abdullah", "PERSON", "siti binti abdullah"),
        # particles in capitalised names
        ("My name is Siti Nurhaliza binti Tarudin.", "PERSON", "Siti Nurhaliza binti Tarudin"),
        ("The account holder is Rui de Souza.", "PERSON", "Rui de Souza"),
        ("Please ask for Pieter van der Berg at reception.", "PERSON", "Pieter van der Berg"),
        # spelled names after a name cue
        ("my name is budi, spelled b u d i", "PERSON", "b u d i"),
        ("that's s i t i with an i at the end", "PERSON", "s i t i"),
        ("my surname is t-a-n-u-w-i-j-a-y-a", "PERSON", "t-a-n-u-w-i-j-a-y-a"),
        # the holder's name as a document shows it
        ("Nama sesuai KTP: Bambang Hermawan", "PERSON", "Bambang Hermawan"),
        ("nama di buku tabungan Lie Siauw Hwa", "PERSON", "Lie Siauw Hwa"),
        ("The name on my passport is Kumaravel Pillai", "PERSON", "Kumaravel Pillai"),
        ("the name on the card priya menon", "PERSON", "priya menon"),
        ("card holder name Tan Boon Kiat", "PERSON", "Tan Boon Kiat"),
        # multi-part names, a month word inside one
        ("Dengan Bapak I Gusti Ngurah Made Wirawan?", "PERSON", "I Gusti Ngurah Made Wirawan"),
        ("Saya Ni Made Ayu Sri Rahayu dari Gianyar", "PERSON", "Ni Made Ayu Sri Rahayu"),
        ("Ibu Kwee Mei Lan sudah verifikasi", "PERSON", "Kwee Mei Lan"),
        # addresses said aloud or typed in lower case, to their end
        (
            "i live at one twenty three baker street apartment two b boston",
            "ADDRESS",
            "one twenty three baker street apartment two b boston",
        ),
        (
            "my address is blk 456 jurong west street forty two hash oh three dash one two three "
            "singapore six four oh four five six",
            "ADDRESS",
            "blk 456 jurong west street forty two hash oh three dash one two three singapore six "
            "four oh four five six",
        ),
        (
            "alamatnya jalan kenanga nomor tujuh rt dua rw empat kelurahan sukamaju kecamatan "
            "cilodong depok",
            "ADDRESS",
            "jalan kenanga nomor tujuh rt dua rw empat kelurahan sukamaju kecamatan cilodong depok",
        ),
        (
            "alamat saya perumahan griya indah blok c dua nomor lima belas bekasi",
            "ADDRESS",
            "perumahan griya indah blok c dua nomor lima belas bekasi",
        ),
        (
            "kirim ke jl mawar no 12 rt 3 rw 5 kel sukajadi ya kak",
            "ADDRESS",
            "jl mawar no 12 rt 3 rw 5 kel sukajadi",
        ),
        (
            "Jl. Melati No. 5 Kel. Cempaka Putih dekat masjid",
            "ADDRESS",
            "Jl. Melati No. 5 Kel. Cempaka Putih",
        ),
        ("I live at 22 Baker Street, our head office is elsewhere.", "ADDRESS", "22 Baker Street"),
    ],
)
def test_found_whole(text: str, kind: str, value: str) -> None:
    assert value in spans(text, kind)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # everyday words after a weak cue
        ("tiket sudah kami teruskan ke tim teknis", "PERSON"),
        ("saya mau transfer ke rekening lain", "PERSON"),
        ("saya lahir di kupang tahun delapan puluh", "PERSON"),
        ("the name on the card is wrong", "PERSON"),
        # letters that are not a name
        ("saya a b c", "PERSON"),
        ("the code is x y z 1 2", "PERSON"),
        # nationalities and ethnic groups
        ("I'm Indonesian, my NIK is on the card.", "PERSON"),
        ("I'm Singaporean, born here.", "PERSON"),
        ("Saya orang Batak, Pak.", "PERSON"),
        # a code or an office after a title
        ("Mbak AB-1234 itu nomor tiket saya", "PERSON"),
        ("Kak RT-05 sudah lapor", "PERSON"),
        # not a home: a number of blocks, a company's premises
        ("i want to block 2 cards please", "ADDRESS"),
        ("Our head office is at 10 Collyer Quay, Singapore 049315.", "ADDRESS"),
        ("Kantor pusat kami di Jl. MH Thamrin No. 1, Jakarta.", "ADDRESS"),
        ("Silakan datang ke cabang terdekat di Jl. Gatot Subroto No. 5.", "ADDRESS"),
        ("You can visit our branch at 22 Orchard Road.", "ADDRESS"),
    ],
)
def test_left_alone(text: str, kind: str) -> None:
    assert spans(text, kind) == []


def test_name_extent_particles_and_codes() -> None:
    assert name_extent(["anthony", "de", "souza", "yes"], "weak") == 3
    assert name_extent(["Budi", "de"], "title") == 1  # a particle ends nothing alone
    assert name_extent(["PL-"], "title") == 0
    assert name_extent(["m", "o", "h", "a"], "strong") == 4
    assert name_extent(["m", "o", "h", "a"], "weak") == 0


# Round 3: the shapes behind heldout3's misses, in new wordings (not its sentences).
@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # son/daughter of: "s/o", "d/o", "a/l", "a/p" inside a name
        ("The account holder is Rajesh s/o Kumaran.", "PERSON", "Rajesh s/o Kumaran"),
        ("my name is Muthu a/l Subramaniam", "PERSON", "Muthu a/l Subramaniam"),
        ("Kavitha d/o Ramasamy called earlier", "PERSON", "Kavitha d/o Ramasamy"),
        # a relative or a role named with "is" / "bernama"
        ("my husband is ahmad bin yusof", "PERSON", "ahmad bin yusof"),
        ("my wife is nurul huda binte ismail", "PERSON", "nurul huda binte ismail"),
        ("istri saya bernama Dewi Lestari", "PERSON", "Dewi Lestari"),
        ("the unit owner Tan Ah Kow signed", "PERSON", "Tan Ah Kow"),
        # lower case after a title or "saya sendiri"; Chinese names said surname first
        ("this is doctor amelia hart calling", "PERSON", "amelia hart"),
        ("dokter rina wulandari sudah kasih surat", "PERSON", "rina wulandari"),
        ("iya pak saya sendiri yohanes bosco", "PERSON", "yohanes bosco"),
        ("this is tan wei ming from finance", "PERSON", "tan wei ming"),
        ("saya lim swee hock mau tanya", "PERSON", "lim swee hock"),
        ("speaking with ong bee lian", "PERSON", "ong bee lian"),
        # a name spelled right after it is said
        ("atas nama wibowo, w i b o w o", "PERSON", "w i b o w o"),
        ("dengan bu ratna r-a-t-n-a", "PERSON", "r-a-t-n-a"),
        # accents and hyphens in Western names
        ("Thanks, José García will call", "PERSON", "José García"),
        ("attention Claire Dubois-Martin", "PERSON", "Claire Dubois-Martin"),
        ("Nama: Rosmawati Nasution Tgl lahir: 25-07-1977", "PERSON", "Rosmawati Nasution"),
        # addresses to their end: US state and ZIP, UK postcodes said aloud, a flat first
        (
            "my address is 15 oak street springfield illinois 62704",
            "ADDRESS",
            "15 oak street springfield illinois 62704",
        ),
        (
            "i live at twelve church road london s w one a one a a",
            "ADDRESS",
            "twelve church road london s w one a one a a",
        ),
        ("i live at flat 4 22 rose lane brighton", "ADDRESS", "flat 4 22 rose lane brighton"),
        (
            "perumahan citra raya sektor 3 blok f2 no 17 cikupa",
            "ADDRESS",
            "perumahan citra raya sektor 3 blok f2 no 17 cikupa",
        ),
        ("rumah saya di Jl. Kenari II No. 8, Depok", "ADDRESS", "Jl. Kenari II No. 8, Depok"),
        (
            "kos aku di Gang Mawar No. 3 RT 02/RW 05, Sleman",
            "ADDRESS",
            "Gang Mawar No. 3 RT 02/RW 05, Sleman",
        ),
    ],
)
def test_found_whole_round3(text: str, kind: str, value: str) -> None:
    assert value in spans(text, kind)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my wife is very upset about this", "PERSON"),
        ("the owner is not available", "PERSON"),
        ("istri saya adalah nasabah prioritas", "PERSON"),
        ("the doctor said it was fine", "PERSON"),
        ("dengan saya sendiri pak", "PERSON"),
        ("i'm tan from the beach", "PERSON"),
        ("my password is tiger t i g e r", "PERSON"),
        ("press a b c on the keypad", "PERSON"),
        ("dot co dot id mbak Oke Pak, saya ulangi ya", "PERSON"),
        ("Siap Pak, sudah saya catat", "PERSON"),
        ("alamat saya di sini aja kak", "ADDRESS"),
        ("my address is 5 minutes from the station", "ADDRESS"),
        ("rumah saya di dekat masjid", "ADDRESS"),
        ("the texas branch is closed", "ADDRESS"),
        ("our head office is at 1 raffles place singapore 048616", "ADDRESS"),
    ],
)
def test_left_alone_round3(text: str, kind: str) -> None:
    assert spans(text, kind) == []


def test_name_extent_patronyms() -> None:
    assert name_extent(["Rajesh", "s", "o", "Kumaran", "and"], "strong") == 4
    assert name_extent(["b", "u", "d", "i", "s", "o"], "strong") == 6  # spelled: no join
