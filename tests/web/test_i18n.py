"""Every console string exists in English and Bahasa Indonesia; the switch and the default."""

from __future__ import annotations

import re
from pathlib import Path

from amanah.identity.models import ROLES
from amanah.web import console, i18n

TEMPLATES = Path(console.__file__).parent / "templates"
STATIC = Path(console.__file__).parent / "static"
LITERAL = re.compile(r"""\bt\(\s*(["'])([a-z0-9_.-]+)\1""")
PREFIX_ONLY = re.compile(r"""\bt\(\s*(["'])([a-z0-9_.-]+\.)\1\s*~""")

# keys built at run time: a family prefix and every member it can take
FAMILIES = {
    "lang.": list(i18n.LANGUAGES),
    "role.": list(ROLES),
    "status.": ["invited", "active", "disabled"],
    "factor.": ["passkey", "totp", "sms", "recovery"],
}
PYTHON_KEYS = (
    [f"strength.{n}" for n in range(5)]
    + list(console.ERROR_KEYS.values())
    + ["error.generic", "error.mismatch", "sms.sent", "invitation.done", "signout.done"]
    + [f"done.{d}" for d in console.DONE]
    + [f"admin.done.{d}" for d in console.ADMIN_DONE]
    + [f"weak.{r}" for r in ("too-short", "too-long", "common", "context", "other")]
)


def template_keys() -> set[str]:
    keys: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        keys.update(m.group(2) for m in LITERAL.finditer(text) if not m.group(2).endswith("."))
        for match in PREFIX_ONLY.finditer(text):
            prefix = match.group(2)
            assert prefix in FAMILIES, f"{path.name}: unknown dynamic key family {prefix}"
            keys.update(prefix + member for member in FAMILIES[prefix])
    return keys


def test_both_locales_have_the_same_keys():
    english, indonesian = i18n.catalogue("en"), i18n.catalogue("id")
    assert set(english) == set(indonesian)
    assert all(english[k].strip() and indonesian[k].strip() for k in english)


def test_every_template_and_code_key_exists_in_both_locales():
    used = template_keys() | set(PYTHON_KEYS)
    assert len(used) > 100
    for lang in i18n.LANGUAGES:
        missing = sorted(used - set(i18n.catalogue(lang)))
        assert not missing, f"{lang} lacks {missing}"


def test_placeholders_match_between_locales():
    english, indonesian = i18n.catalogue("en"), i18n.catalogue("id")
    fields = re.compile(r"\{(\w+)\}")
    for key, text in english.items():
        assert set(fields.findall(text)) == set(fields.findall(indonesian[key])), key


def test_indonesian_is_a_translation_not_a_copy():
    english, indonesian = i18n.catalogue("en"), i18n.catalogue("id")
    same = [k for k in english if english[k] == indonesian[k]]
    # names that are the same in both languages (Amanah, Passkey, Status, Supervisor...)
    assert len(same) <= 12, same


def test_templates_hold_no_untranslated_text():
    """Outside tags and expressions, templates carry no words of their own."""
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<[^>]+>", " ", text, flags=re.S)
        words = [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ("UTC",)]
        assert not words, f"{path.name}: {words[:5]}"


def test_scripts_hold_no_user_facing_text():
    """The scripts show only text the server rendered or answered in the user's language."""
    for path in STATIC.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert 'textContent = "' not in text and "alert(" not in text, path.name


def test_accept_language_negotiation():
    assert i18n.negotiate(None, "id-ID,id;q=0.9,en;q=0.8") == "id"
    assert i18n.negotiate(None, "en-GB,en;q=0.9,id;q=0.5") == "en"
    assert i18n.negotiate(None, "fr-FR, id;q=0.3") == "id"
    assert i18n.negotiate(None, "fr-FR") == "en"
    assert i18n.negotiate(None, None) == "en"
    assert i18n.negotiate("en", "id") == "en"  # the switch wins
    assert i18n.negotiate("xx", "id") == "id"
