"""What the command line and the embedded stack say: English in the code, Bahasa Indonesia
in a gettext catalogue (`locale/id/LC_MESSAGES/smartcity.po`, compiled beside it to the
`.mo` gettext reads, by `python -m services.messages.catalogue`).

The language is chosen as gettext chooses it, from LANGUAGE, LC_ALL, LC_MESSAGES or LANG
(`LANG=id_ID.UTF-8` speaks Indonesian); SMARTCITY_LANGUAGE (`id` or `en`) overrides them.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "smartcity"
LOCALES = Path(__file__).resolve().parent / "locale"


@cache
def translation_for(language: str | None) -> gettext.NullTranslations:
    """The catalogue of one language (None: as gettext chooses from the environment), for
    what is written in a language a request chose, the results letter, as for the process."""
    languages = [language] if language else None
    return gettext.translation(DOMAIN, LOCALES, languages=languages, fallback=True)


def _translation() -> gettext.NullTranslations:
    return translation_for(os.environ.get("SMARTCITY_LANGUAGE"))


def _(message: str) -> str:
    return _translation().gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; `_` translates it where used."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translation().ngettext(singular, plural, count)


def speak_through_gettext() -> None:
    """Makes this catalogue the one gettext's own users read, argparse among them (its
    "usage:", "error:", "the following arguments are required"), in the chosen language."""
    chosen = os.environ.get("SMARTCITY_LANGUAGE")
    if chosen:
        os.environ["LANGUAGE"] = chosen
    gettext.bindtextdomain(DOMAIN, LOCALES)
    gettext.textdomain(DOMAIN)
