"""Name normalisation: the one function that turns a written name into an index key.

News writes the same place many ways: ``Laçın``/``Lachin``, ``Xankəndi``/``Khankendi``,
``Syunik'``/``Syunik``, ``Nagorno Karabakh``/``Nagorno-Karabakh``. :func:`name_key` folds case,
strips diacritics, transliterates the letters NFKD cannot decompose (ə, ı, ł, ø, ß, …), and drops
apostrophes, dots and hyphens, so all of those meet on one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that Unicode does not decompose into base + combining mark.
_TRANSLIT = str.maketrans(
    {
        "ə": "a", "Ə": "a", "ı": "i", "İ": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o",
        "đ": "d", "Đ": "d", "ħ": "h", "ŧ": "t", "ß": "ss", "æ": "ae", "Æ": "ae",
        "œ": "oe", "Œ": "oe", "þ": "th", "ð": "d", "ŋ": "n", "ǝ": "a",
    }
)
# Apostrophes and modifier letters that mark aspiration or softness in transliterations.
_DROP = re.compile(r"[\u0027\u2018\u2019\u201b\u02bc\u02bb\u02bd\u02be\u02bf\u02b9\u0060\u00b4\u2032\".]")
_SEP = re.compile(r"[\s\-\u2010-\u2015_/,;:()\[\]{}]+")
# Control and format characters inside a name are noise: dropped, except the ones that separate words.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_CONTROL = re.compile(r"[\t\n\r\u2028\u2029]")

#: Longest name the gazetteer will look up, in characters.
MAX_NAME_LENGTH = 200


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Fold a place name into its index key.

    >>> name_key("Nagorno-Karabakh") == name_key("nagorno karabakh")
    True
    >>> name_key("Laçın"), name_key("Xankəndi"), name_key("Syunik'")
    ('lacin', 'xankandi', 'syunik')
    >>> name_key("U.S.")
    'us'
    """
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", name))
    if text.isascii():  # most names: nothing to decompose or transliterate
        return _SEP.sub(" ", _DROP.sub("", text.lower())).strip()
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_TRANSLIT)
    text = _DROP.sub("", text)
    text = _SEP.sub(" ", text)
    return text.strip()


#: Feature words that may follow (or, for "the", precede) a name, and the kinds they point to.
FEATURE_WORDS: dict[str, tuple[str, ...]] = {
    "province": ("admin1",),
    "provinces": ("admin1",),
    "marz": ("admin1",),
    "oblast": ("admin1",),
    "governorate": ("admin1",),
    "state": ("admin1",),
    "prefecture": ("admin1",),
    "voivodeship": ("admin1",),
    "canton": ("admin1",),
    "region": ("admin1", "region"),
    "regions": ("admin1", "region"),
    "district": ("admin1", "admin2"),
    "districts": ("admin1", "admin2"),
    "rayon": ("admin1", "admin2"),
    "raion": ("admin1", "admin2"),
    "county": ("admin2",),
    "municipality": ("admin2", "city"),
    "city": ("city",),
    "town": ("city",),
    "village": ("city",),
    "settlement": ("city",),
}
_LEADING = ("the ",)


def spelling(name: str) -> str | None:
    """The exact written form of a name with its diacritics, for names that carry any.

    ``Şuşa`` and ``Laçın`` say more than ``susa`` and ``lacin``: a query written with the same
    letters earns a bonus. Returns None for plain-ASCII names and for names in non-Latin scripts.
    """
    form = unicodedata.normalize("NFC", _CONTROL.sub(" ", _INVISIBLE.sub("", name))).casefold().strip()
    if form.isascii() or not any("a" <= ch <= "z" for ch in form):
        return None
    return form


def split_feature_word(key: str) -> tuple[str, str | None]:
    """Split a trailing feature word off a key: ``"tovuz district"`` → ``("tovuz", "district")``.

    >>> split_feature_word("syunik province")
    ('syunik', 'province')
    >>> split_feature_word("lachin corridor")
    ('lachin corridor', None)
    """
    for lead in _LEADING:
        if key.startswith(lead):
            key = key[len(lead):]
    head, _, last = key.rpartition(" ")
    if head and last in FEATURE_WORDS:
        return head, last
    # "city of Baku", "province of Syunik"
    first, _, rest = key.partition(" of ")
    if rest and first in FEATURE_WORDS:
        return rest, first
    return key, None


def strip_article(key: str) -> str:
    """Drop a leading article: ``"the lachin corridor"`` → ``"lachin corridor"``."""
    for lead in _LEADING:
        if key.startswith(lead):
            return key[len(lead):]
    return key
