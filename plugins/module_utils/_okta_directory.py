# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal: find Okta users and groups by login, name or id in few calls.

Many values are joined into one ``search`` expression (``profile.login eq "a" or ...``) so that
resolving thousands of users costs one call per batch, not one per user. Okta refuses search
expressions that are too long, so a batch holds at most ``MAX_TERMS`` terms and ``MAX_QUERY_BYTES``
bytes of URL-encoded query. Batches are independent reads and run concurrently.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

MAX_TERMS = 50
MAX_QUERY_BYTES = 6000
USERS_PATH = "/api/v1/users"
GROUPS_PATH = "/api/v1/groups"
SEARCH_PAGE_LIMIT = 200


def search_term(field, value):
    """One ``field eq "value"`` term, with the value's backslashes and quotes escaped."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'{field} eq "{escaped}"'


def search_expressions(field, values, max_terms=MAX_TERMS, max_bytes=MAX_QUERY_BYTES):
    """Split ``values`` into ``or``-joined search expressions that each fit the size caps."""
    expressions = []
    terms = []
    size = 0
    for value in values:
        term = search_term(field, value)
        term_size = len(quote(term, safe="")) + len(quote(" or ", safe=""))
        if terms and (len(terms) >= max_terms or size + term_size > max_bytes):
            expressions.append(" or ".join(terms))
            terms, size = [], 0
        terms.append(term)
        size += term_size
    if terms:
        expressions.append(" or ".join(terms))
    return expressions


def _search_all(client, path, expressions, max_workers):
    """Run every search expression (concurrently) and return all the objects found."""
    def run(expression):
        return list(client.paginate(path, params={"search": expression, "limit": SEARCH_PAGE_LIMIT}))

    if not expressions:
        return []
    found = []
    workers = max(1, min(max_workers, len(expressions)))
    if workers == 1:
        for expression in expressions:
            found.extend(run(expression))
        return found
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for page in pool.map(run, expressions):
            found.extend(page)
    return found


def _unique(values):
    return list(dict.fromkeys(values))


def find_users(client, logins=(), ids=(), max_workers=1):
    """Look users up by login and by id.

    Returns ``(by_login, by_id)``: ``by_login`` maps each found login, lower-cased (Okta logins are
    case-insensitive), to its user object; ``by_id`` maps each found id to its user object. Values
    that are absent from both maps do not exist in the org.
    """
    # Okta compares search values case-insensitively; send each login once, as it was given.
    unique_logins = {}
    for login in logins:
        unique_logins.setdefault(login.lower(), login)
    expressions = search_expressions("profile.login", list(unique_logins.values()))
    expressions += search_expressions("id", _unique(ids))
    by_login = {}
    by_id = {}
    for user in _search_all(client, USERS_PATH, expressions, max_workers):
        user_id = user.get("id")
        login = (user.get("profile") or {}).get("login")
        if user_id:
            by_id[user_id] = user
        if login:
            by_login[login.lower()] = user
    return by_login, by_id


def find_groups(client, names=(), ids=(), max_workers=1):
    """Look groups up by name and by id.

    Returns ``(by_name, by_id)``: ``by_name`` maps each lower-cased name to the list of groups that
    carry it (more than one means the name is ambiguous: the caller must use the id); ``by_id`` maps
    each found id to its group object.
    """
    expressions = search_expressions("profile.name", _unique(names))
    expressions += search_expressions("id", _unique(ids))
    by_name = {}
    by_id = {}
    for group in _search_all(client, GROUPS_PATH, expressions, max_workers):
        group_id = group.get("id")
        if not group_id or group_id in by_id:
            continue
        by_id[group_id] = group
        name = (group.get("profile") or {}).get("name")
        if name:
            by_name.setdefault(name.lower(), []).append(group)
    return by_name, by_id
