"""What a User-Agent header says about a device, in names a person recognises on the sessions
page ("Chrome 131", "Android 14"), and the label that page shows in the reader's language.

A dozen rules rather than a library: the page needs a label to tell one's own phone from one's
laptop, not a full parse. The well-kept parsers (ua-parser and its uap-core database) carry
thousands of patterns for bots, TVs and old phones, which buys nothing here. A header is the
client's own claim anyway, so the label is a hint, never evidence."""

from __future__ import annotations

import re

from flask_babel import gettext

from ...limits import TEXT

# (label, pattern whose group 1 is the major version), first match wins: Edge, Opera and
# Samsung Internet also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edge", r"\bEdg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"\b(?:OPR|Opera)/(\d+)"),
    ("Samsung Internet", r"\bSamsungBrowser/(\d+)"),
    ("Firefox", r"\b(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"\b(?:CriOS|Chrome|HeadlessChrome)/(\d+)"),
    ("Chromium", r"\bChromium/(\d+)"),
    ("Safari", r"\bVersion/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/"),
)
# (label, pattern whose group 1, if any, is the version), first match wins: iPhones and
# Android phones also say "like Mac OS X" and "Linux".
_SYSTEMS = (
    ("iOS", r"\biPhone OS (\d+)"),
    ("iPadOS", r"\biPad;.*? OS (\d+)"),
    ("Android", r"\bAndroid (\d+)"),
    ("Android", r"\bAndroid\b()"),
    ("ChromeOS", r"\bCrOS\b()"),
    ("Windows", r"\bWindows\b()"),
    ("macOS", r"\bMac OS X\b()"),  # frozen at 10_15_7 by every browser: no version worth showing
    ("Linux", r"\bLinux\b()"),
)
# A non-browser client names itself first: "python-requests/2.32", "curl/8.5".
_PRODUCT = re.compile(r"([A-Za-z][A-Za-z0-9._-]{0,40})/(\d+)")


def _named(rules, text: str) -> str | None:
    for label, pattern in rules:
        found = re.search(pattern, text)
        if found:
            return f"{label} {found.group(1)}".strip()
    return None


def describe(user_agent: str | None) -> tuple[str, str]:
    """(browser, system) for a User-Agent header, each within TEXT["device_part"]: product
    names, stored as they are, or "" for one it does not name (which `label` puts in words when
    it is read, in the reader's language)."""
    text = (user_agent or "")[:512]  # a header can be kilobytes; the tokens come early
    browser = _named(_BROWSERS, text)
    if browser is None:
        product = _PRODUCT.match(text)
        if product and product.group(1) != "Mozilla":
            browser = f"{product.group(1)} {product.group(2)}"
    system = _named(_SYSTEMS, text)
    most = TEXT["device_part"]
    return (browser or "")[:most], (system or "")[:most]


def label(browser: str, system: str) -> str:
    """How a device is named to a person: "Chrome 131 on Android 14", in the current language."""
    return gettext(
        "%(browser)s on %(system)s",
        browser=browser or gettext("Unknown browser"),
        system=system or gettext("Unknown system"),
    )
