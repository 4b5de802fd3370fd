# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare wanted and current settings, and record before/after diffs (internal).

Settings are plain nested dicts in a module's own vocabulary. A wanted value of ``None`` means
"not set by the user": it is never enforced and never shown in a diff. Secrets are never stored
here: sections carry a marker (``MASK`` or ``SECRET_WILL_BE_SENT``) instead of a value.
"""

from __future__ import annotations

import copy

from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import MASK

SECRET_WILL_BE_SENT = f"{MASK} (will be sent)"

# Keys whose values are secrets wherever they appear in a diff section.
SECRET_KEYS = frozenset(("credentials", "password", "token", "security_token", "secret"))


def drop_unset(value):
    """A copy of `value` without the ``None`` entries of its dicts (recursively).

    Dicts left empty by this are dropped too, so an option group with nothing set manages nothing.
    """
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            item = drop_unset(item)
            if item is None or (isinstance(item, dict) and not item):
                continue
            kept[key] = item
        return kept
    return copy.deepcopy(value)


def managed_view(current, wanted):
    """The part of `current` that `wanted` manages: the same keys, current values (None if absent)."""
    if not isinstance(wanted, dict):
        return copy.deepcopy(current)
    current = current if isinstance(current, dict) else {}
    return {key: managed_view(current.get(key), item) for key, item in wanted.items()}


def deep_merge(base, patch):
    """A copy of `base` with every value of `patch` written over it (nested dicts merged)."""
    if not isinstance(patch, dict) or not isinstance(base, dict):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(base)
    for key, item in patch.items():
        merged[key] = deep_merge(merged.get(key), item)
    return merged


def differences(wanted, current):
    """The part of `wanted` whose values differ from `current`; ``{}`` when everything matches.

    `wanted` must already be free of unset values (see `drop_unset`).
    """
    if not isinstance(wanted, dict):
        return {} if wanted == current else wanted
    current = current if isinstance(current, dict) else {}
    found = {}
    for key, item in wanted.items():
        if isinstance(item, dict):
            nested = differences(item, current.get(key))
            if nested:
                found[key] = nested
        elif item != current.get(key):
            found[key] = copy.deepcopy(item)
    return found


def mask_secrets(value, secret_keys=SECRET_KEYS):
    """A copy of `value` where every non-empty value under a secret key is a fixed mask.

    Markers that are already masks are kept, so "will be sent" stays visible in a diff.
    """
    if isinstance(value, dict):
        masked = {}
        for key, item in value.items():
            if key in secret_keys and item not in (None, "", MASK, SECRET_WILL_BE_SENT):
                masked[key] = MASK
            else:
                masked[key] = mask_secrets(item, secret_keys)
        return masked
    if isinstance(value, list):
        return [mask_secrets(item, secret_keys) for item in value]
    return copy.deepcopy(value)


class StateDiff:
    """Before/after of every managed section, recorded once and handed to Ansible as `diff`."""

    def __init__(self):
        self.before = {}
        self.after = {}

    def record(self, section, before, after):
        """Set (or replace) one section; `before` and `after` are copied and masked."""
        self.before[section] = mask_secrets(before)
        self.after[section] = mask_secrets(after)

    @property
    def changed(self):
        return self.before != self.after

    def as_dict(self):
        return {"before": copy.deepcopy(self.before), "after": copy.deepcopy(self.after)}
