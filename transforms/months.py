"""Month names in French, Dutch and English, with the abbreviations partners write ("févr.", "mrt", "sept")."""
from __future__ import annotations

from transforms.text import fold

_NAMES = [
    "janvier janv jan january januari",
    "février fevrier févr fevr fév fev feb february februari",
    "mars mar march maart mrt mrt. maa",
    "avril avr apr april",
    "mai may mei",
    "juin jun june juni",
    "juillet juil jul july juli",
    "août aout aug august augustus",
    "septembre sept sep september",
    "octobre oct october oktober okt",
    "novembre nov november",
    "décembre decembre déc dec december",
]
# As written in lower case, with and without accents: "février" and "fevrier" -> 2.
MONTHS: dict[str, int] = {name.rstrip("."): number
                          for number, names in enumerate(_NAMES, start=1) for name in names.split()}
# For accent-folded text (transforms.text.fold): "fevrier" -> 2.
FOLDED_MONTHS: dict[str, int] = {fold(name): number for name, number in MONTHS.items()}
