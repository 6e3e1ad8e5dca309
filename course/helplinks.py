"""Crisis resources as one-tap links: tel: and sms: addresses, and the help list as HTML.

The help list is drawn on every page, twice (the top line's "All help" and the sidebar), so it
is one block of our own HTML rather than twenty Streamlit elements: every page's first render
got a third slower with the elements. All content text is escaped; only our tags are markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import lru_cache

from course.i18n import current, tr
from course.model import CrisisResource


def one_tap_links(resources: Sequence[CrisisResource]) -> list[tuple[str, str]]:
    """Return (label, address) for every call and text link, in the resources' order.

    The labels are in the app's language ("Call 988", "Text 988").
    """
    links = []
    for item in resources:
        if item.call:
            links.append((tr("Call {label}").format(label=item.label), f"tel:{item.call}"))
        if item.text:
            links.append((tr("Text {label}").format(label=item.label), f"sms:{item.text}"))
    return links


def links_html(links: Sequence[tuple[str, str]]) -> str:
    """Return the links as tap targets (styled by the page as buttons at least 40 px tall)."""
    return "".join(
        f'<a class="help-tap" href="{html.escape(address)}">{html.escape(label)}</a>'
        for label, address in links
    )


def site_name(url: str) -> str:
    """Name a website by its host, for a secondary link: https://www.x.org/a -> x.org."""
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.")


def help_list_html(resources: tuple[CrisisResource, ...]) -> str:
    """Return every resource: its name, one-tap buttons, what it is and its website."""
    return _help_list_html(resources, current())


@lru_cache(maxsize=8)
def _help_list_html(resources: tuple[CrisisResource, ...], language: str) -> str:
    """The help list in a language (cached per language: its button labels are in it)."""
    del language  # a part of the cache key only: tr() reads the current language
    parts = []
    for item in resources:
        links = one_tap_links((item,))
        detail = item.detail if links else f"{item.contact}. {item.detail}"
        site = ""
        if item.url:
            address = html.escape(item.url)
            site = (
                f'<p><a href="{address}" target="_blank" rel="noopener noreferrer">'
                f"{html.escape(site_name(item.url))}</a></p>"
            )
        parts.append(
            f'<section class="help-item"><p><strong>{html.escape(item.name)}</strong></p>'
            f'<p class="help-taps">{links_html(links)}</p>'
            f"<p>{html.escape(detail)}</p>{site}</section>"
        )
    return f'<div class="help-list">{"".join(parts)}</div>'
