"""Name normalisation (:mod:`gazetteer.normalize`): tables of spellings and properties of ``name_key``."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer import Gazetteer
from gazetteer.normalize import FEATURE_WORDS, name_key, spelling, split_feature_word, strip_article

# written form → index key
KEYS = [
    # the forms news reports use for places of the Syunik / Karabakh region
    ("Laçın", "lacin"),
    ("Lachin", "lachin"),
    ("LAÇIN", "lacin"),
    ("Xankəndi", "xankandi"),
    ("Khankendi", "khankendi"),
    ("Kəlbəcər", "kalbacar"),
    ("Ağdam", "agdam"),
    ("Şuşa", "susa"),  # not "shusha": Şuşa and Shusha meet through alternate names, not the key
    ("Shusha", "shusha"),
    ("Syunik'", "syunik"),
    ("Syunik\u2019", "syunik"),  # right single quotation mark
    ("Syunik\u02bc", "syunik"),  # modifier letter apostrophe
    ("SYUNIK", "syunik"),
    ("Nagorno-Karabakh", "nagorno karabakh"),
    ("Nagorno Karabakh", "nagorno karabakh"),
    ("Nagorno\u2013Karabakh", "nagorno karabakh"),  # en dash
    ("Nagorno  -  Karabakh", "nagorno karabakh"),
    ("nagorno_karabakh", "nagorno karabakh"),
    # letters NFKD cannot decompose, and case folding
    ("İstanbul", "istanbul"),
    ("Łódź", "lodz"),
    ("Straße", "strasse"),
    ("Ørsta", "orsta"),
    ("Æbeltoft", "aebeltoft"),
    ("São Paulo", "sao paulo"),
    ("Đà Nẵng", "da nang"),
    # punctuation, whitespace and invisible characters
    ("U.S.", "us"),
    ("St. Petersburg", "st petersburg"),
    ("  Baku  ", "baku"),
    ("Tovuz\tdistrict", "tovuz district"),
    ("Tovuz\n district", "tovuz district"),
    ("Go\x00ris", "goris"),
    ("Go\x01ris", "goris"),  # control characters inside a name are dropped, not spaces
    ("Go\x7fris", "goris"),
    ("Go\u200eris", "goris"),  # left-to-right mark
    ("Go\u200bris", "goris"),  # zero-width space
    ("\ufeffGoris", "goris"),  # byte-order mark
    ("Go\u00adris", "goris"),  # soft hyphen
    ("Yerevan (Erevan)", "yerevan erevan"),
    ("ﬁnland", "finland"),  # ligature, NFKC
    ("Ｂａｋｕ", "baku"),  # full-width letters
    # scripts other than Latin pass through, folded
    ("Ереван", "ереван"),
    ("Երևան", "երեւան"),  # NFKC splits the ligature և into եւ
    ("", ""),
    ("'", ""),
    ("...", ""),
]


@pytest.mark.parametrize(("text", "key"), KEYS)
def test_name_key_table(text: str, key: str) -> None:
    assert name_key(text) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [("Laçın", "Lacin"), ("Xankəndi", "Xankandi"), ("Syunik'", "Syunik"), ("Nagorno Karabakh", "Nagorno-Karabakh"),
     ("Kəlbəcər", "Kalbacar"), ("Ağdam", "Agdam"), ("SYUNIK", "syunik")],
)
def test_spellings_meet_on_one_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_susa_and_shusha_differ_by_key_but_meet_in_the_index(gaz: Gazetteer) -> None:
    assert name_key("Şuşa") != name_key("Shusha")
    susa = gaz.lookup("Şuşa")[0]
    assert susa.id == gaz.lookup("Shusha")[0].id == gaz.lookup("Shushi")[0].id
    # the diacritics of the query are a hint of their own
    assert "spelled 'şuşa'" in susa.reason


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("syunik province", ("syunik", "province")),
        ("tovuz district", ("tovuz", "district")),
        ("kalbajar rayon", ("kalbajar", "rayon")),
        ("new york state", ("new york", "state")),
        ("the syunik province", ("syunik", "province")),
        ("city of baku", ("baku", "city")),
        ("province of syunik", ("syunik", "province")),
        ("lachin corridor", ("lachin corridor", None)),
        ("isle of man", ("isle of man", None)),
        ("baku", ("baku", None)),
        ("province", ("province", None)),  # a feature word alone is a name
        ("the city", ("city", None)),
        ("", ("", None)),
    ],
)
def test_split_feature_word(key: str, expected: tuple[str, str | None]) -> None:
    assert split_feature_word(key) == expected


def test_every_feature_word_is_split_off() -> None:
    for word, kinds in FEATURE_WORDS.items():
        assert split_feature_word(f"tovuz {word}") == ("tovuz", word)
        assert kinds


@pytest.mark.parametrize(("key", "expected"), [("the lachin corridor", "lachin corridor"), ("lachin", "lachin"),
                                               ("theodosia", "theodosia")])
def test_strip_article(key: str, expected: str) -> None:
    assert strip_article(key) == expected


@pytest.mark.parametrize(
    ("text", "form"),
    [("Şuşa", "şuşa"), ("Laçın", "laçın"), ("Shusha", None), ("Ереван", None), ("Go\x00ris", None)],
)
def test_spelling(text: str, form: str | None) -> None:
    assert spelling(text) == form


# -- properties over any text (surrogates included: they come from undecodable command-line bytes) --
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)
_SPACES = re.compile(r"\s\s")


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_name_key_is_idempotent(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_name_key_output_is_folded_and_tidy(text: str) -> None:
    key = name_key(text)  # never raises
    assert isinstance(key, str)
    # folded: casefold() is the fixed point (Unicode folds Cherokee to its capitals, so not isupper())
    assert key.casefold() == key
    assert not any("A" <= ch <= "Z" for ch in key)
    assert key == key.strip()
    assert "  " not in key and not _SPACES.search(key)
    assert all(ch == " " or not ch.isspace() for ch in key)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_surrounding_and_inner_whitespace_do_not_matter(a: str, b: str) -> None:
    assert name_key(f"  {a}\t{b}  ") == name_key(f"{a} {b}")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_split_feature_word_never_raises_and_keeps_the_name(text: str) -> None:
    key = name_key(text)
    head, word = split_feature_word(key)
    assert word is None or word in FEATURE_WORDS
    if word is not None:
        assert head and head in key
