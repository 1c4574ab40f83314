"""Rejection reasons in plain French, Dutch and English, from `reasons.yaml`."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from transforms.yaml_files import load_yaml_file

LANGUAGES = ("fr", "nl", "en")


@lru_cache(maxsize=1)
def reason_table() -> dict[str, dict[str, str]]:
    resource = resources.files("bedigital.monitoring").joinpath("reasons.yaml")
    table = load_yaml_file(resource.read_text(encoding="utf-8"), str(resource))  # a reason written twice is an error
    for code, labels in table.items():
        missing = [lang for lang in LANGUAGES if not (labels or {}).get(lang)]
        if missing:
            raise ValueError(f"reasons.yaml: reason {code!r} has no text in {', '.join(missing)}")
    return table


def explain(code: str) -> dict[str, str]:
    """The reason in every language; an unknown code is named, never hidden."""
    table = reason_table()
    if code in table:
        return dict(table[code])
    return {lang: text.format(code=code) for lang, text in table["_unknown"].items()}
