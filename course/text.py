"""Make content and learner text safe to hand to a Markdown renderer.

Streamlit escapes raw HTML in Markdown unless told otherwise (we never tell it otherwise), but
a Markdown link or image can still point anywhere. Only web, mail and phone links survive;
images from anywhere become plain links, so no page loads a third-party pixel by itself.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = ("https://", "http://", "mailto:", "tel:")
# [label](url "title"), allowing one level of parentheses inside the url.
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?(\S*?)>?(?:[ \t].*)?$", re.MULTILINE)


def is_safe_url(url: str) -> bool:
    """Return True for http(s), mailto and tel addresses."""
    return url.strip().lower().startswith(SAFE_SCHEMES)


def safe_markdown(text: str) -> str:
    """Return Markdown with unsafe links reduced to their text and images made into links."""
    text = _LINK.sub(_rewrite_link, text)
    text = _DEFINITION.sub(lambda m: m.group(0) if is_safe_url(m.group(1)) else "", text)
    return _AUTOLINK.sub(lambda m: m.group(0) if is_safe_url(m.group(1)) else m.group(1), text)


def _rewrite_link(match: re.Match[str]) -> str:
    is_image, label, url = match.group(1) == "!", match.group(2), match.group(3)
    if not is_safe_url(url):
        return label
    if is_image:
        return f"[{label or 'image'}]({url})"
    return match.group(0)


def plain(text: str) -> str:
    """Escape Markdown so learner-typed text shows exactly as typed."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)
