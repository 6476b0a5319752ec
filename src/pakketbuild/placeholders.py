"""The example texts that ``pakketbuild new`` writes into a new file.

They live here, apart from :mod:`pakketbuild.scaffold`, because ``check`` refuses a
published item or pakket that still contains one of them (``placeholder-text``).
"""

from __future__ import annotations

ITEM_BODY = (
    "Schrijf hier de tekst van het onderdeel. Gebruik korte zinnen.\n\n"
    "## Een tussenkop\n\n"
    "Begin een tussenkop met twee hekjes en een spatie, zoals hierboven."
)
PAKKET_INTRO = "Schrijf hier de inleiding van het pakket: voor wie het is en wat erin staat."
SUMMARY = "Schrijf hier in één alinea waar dit onderdeel over gaat en voor wie het is."

SENTENCES = (
    "Schrijf hier de tekst van het onderdeel.",
    "Begin een tussenkop met twee hekjes en een spatie, zoals hierboven.",
    PAKKET_INTRO,
    SUMMARY,
)
"""Sentences of the example texts; any of them left in a published file is an error."""
