"""Okta-style paging: `limit`, an opaque `after` cursor, and `Link` headers (no rel="next" on the last page)."""
from __future__ import annotations

import base64
from urllib.parse import urlencode

from .wire import OktaFailure, Request


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(f"sim1:{key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        text = ""
    if not text.startswith("sim1:"):
        raise OktaFailure(400, "E0000001", "Api validation failed: after", ["The 'after' cursor is not valid."])
    return text[5:]


def parse_limit(request: Request, default: int, maximum: int, minimum: int = 1) -> int:
    """Okta caps a too-large limit; a limit that is not a positive integer is refused."""
    raw = request.arg("limit")
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise OktaFailure(400, "E0000001", "Api validation failed: limit", [f"'{raw}' is not a valid limit."]) from None
    if value < 1:
        raise OktaFailure(400, "E0000001", "Api validation failed: limit", ["limit must be greater than 0."])
    return max(minimum, min(value, maximum))


def page_links(request: Request, next_key: str | None) -> dict:
    """`Link` header with rel="self" and, when more items follow, rel="next" carrying the cursor."""
    self_url = request.base_url + request.path + (f"?{request.raw_query}" if request.raw_query else "")
    links = [f'<{self_url}>; rel="self"']
    if next_key is not None:
        query = [(k, v) for k, values in request.query.items() if k != "after" for v in values]
        query.append(("after", encode_cursor(next_key)))
        links.append(f'<{request.base_url}{request.path}?{urlencode(query)}>; rel="next"')
    return {"Link": ", ".join(links)}


def paged(request: Request, sorted_keys, default: int, maximum: int, minimum: int = 1) -> tuple[list, dict]:
    """One page of keys from a SortedKeys, and the Link header for it."""
    limit = parse_limit(request, default, maximum, minimum)
    keys, more = sorted_keys.page(decode_cursor(request.arg("after")), limit)
    return keys, page_links(request, keys[-1] if more and keys else None)


def paged_list(request: Request, items: list, key, default: int, maximum: int, minimum: int = 1) -> tuple[list, dict]:
    """Paging over an already-filtered, sorted list (search results)."""
    limit = parse_limit(request, default, maximum, minimum)
    after = decode_cursor(request.arg("after"))
    start = 0
    if after is not None:
        start = next((i + 1 for i, item in enumerate(items) if key(item) == after), len(items))
        if start == len(items):
            start = sum(1 for item in items if key(item) <= after)
    chunk = items[start:start + limit]
    more = start + limit < len(items)
    return chunk, page_links(request, key(chunk[-1]) if more and chunk else None)
