"""Contentful's Rich Text (a JSON document of nodes) as HTML, for a description mapped on such a field."""
from __future__ import annotations

from html import escape
from typing import Any

# Block and inline nodes as the HTML elements they stand for; embedded entries and assets are left out.
_ELEMENTS = {
    "document": None, "paragraph": "p", "heading-1": "h1", "heading-2": "h2", "heading-3": "h3", "heading-4": "h4",
    "heading-5": "h5", "heading-6": "h6", "unordered-list": "ul", "ordered-list": "ol", "list-item": "li",
    "blockquote": "blockquote", "table": "table", "table-row": "tr", "table-cell": "td", "table-header-cell": "th",
}
_MARKS = {"bold": "strong", "italic": "em", "underline": "u", "code": "code", "superscript": "sup", "subscript": "sub",
          "strikethrough": "s"}


def is_rich_text(value: Any) -> bool:
    """Whether a value is a Contentful Rich Text document ({"nodeType": "document", "content": […]})."""
    return isinstance(value, dict) and value.get("nodeType") == "document" and isinstance(value.get("content"), list)


def rich_text_html(document: dict[str, Any]) -> str:
    """The document as HTML: paragraphs, headings, lists, quotes, tables, links and marked text."""
    return _node(document)


def _node(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    kind = node.get("nodeType")
    if kind == "text":
        text = escape(str(node.get("value") or ""), quote=False)
        for mark in node.get("marks") or []:
            element = _MARKS.get(mark.get("type")) if isinstance(mark, dict) else None
            text = f"<{element}>{text}</{element}>" if element else text
        return text
    if kind == "hr":
        return "<hr>"
    inner = "".join(_node(child) for child in node.get("content") or [])
    if kind == "hyperlink":
        uri = (node.get("data") or {}).get("uri")
        return f'<a href="{escape(uri)}">{inner}</a>' if isinstance(uri, str) and uri.strip() else inner
    if kind not in _ELEMENTS:
        return inner  # an embedded entry or asset, an entry hyperlink: its text, if any
    element = _ELEMENTS[kind]
    return f"<{element}>{inner}</{element}>" if element else inner
