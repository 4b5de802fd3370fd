"""Secret canaries and every form in which one can leak: raw, URL-, JSON- or XML/HTML-escaped.

A secret that holds `& < > % " ' + /` or a non-ASCII letter reads differently once a library escapes
it for a URL (`%26`), a JSON string (`\\"`, `\\u00e4`), or XML/HTML (`&amp;`, `&#x27;`): a scan for the
raw text alone would miss such a leak. The seeded secrets hold such characters on purpose
(tests/simulator/seeds/default.yaml).
"""
from __future__ import annotations

import html
import json
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape as xml_escape

FORMS = ("raw", "url", "json", "xml")


def escaped_forms(secret: str) -> dict:
    """{form: set of spellings} of `secret`; a spelling equal to the raw secret counts as raw only."""
    forms = {
        "raw": {secret},
        "url": {quote(secret, safe=""), quote(secret), quote_plus(secret)},
        # json.dumps as Python, Ansible's callbacks and most loggers write it, and Python's repr.
        "json": {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], repr(secret)[1:-1]},
        "xml": {html.escape(secret), html.escape(secret, quote=False), xml_escape(secret),
                xml_escape(secret, {'"': "&quot;", "'": "&apos;"}), xml_escape(secret, {'"': "&#34;", "'": "&#39;"}),
                html.escape(secret).replace("&#x27;", "&#39;")},
    }
    # A PEM key also leaks by any of its base64 lines (a key shown reflowed or in part).
    if "-----BEGIN" in secret:
        forms["raw"] |= {line for line in secret.splitlines() if len(line) >= 16 and not line.startswith("-----")}
    for form in FORMS[1:]:
        forms[form] -= {secret}
    return forms


def find_leaks(text: str, secrets) -> list:
    """(secret, form) of every canary found in `text`, in any of its escaped forms."""
    found = []
    for secret in secrets:
        if not secret:
            continue
        for form, spellings in escaped_forms(secret).items():
            if any(spelling in text for spelling in spellings):
                found.append((secret, form))
    return found


def find_secrets(text: str, secrets) -> list:
    """The canaries that occur in `text`, in any form."""
    return sorted({secret for secret, _form in find_leaks(text, secrets)})


def hide_secrets(text: str, secrets) -> str:
    """`text` with every canary (in every form) replaced, fit for a test's failure message."""
    for secret in secrets:
        if secret:
            for spellings in escaped_forms(secret).values():
                for spelling in sorted(spellings, key=len, reverse=True):
                    text = text.replace(spelling, "<canary>")
    return text
