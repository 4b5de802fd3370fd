"""The simulator's mutable state: one JSON-able dict plus the indexes that keep requests cheap.

Every handler runs under `SimState.lock`. Lookups go through indexes (by id, login, group name)
and ordered key lists (for cursor paging), so a request costs O(1) or O(page), never a scan of
all users: the benchmark assigns thousands of users concurrently.
"""
from __future__ import annotations

import bisect
import copy
import datetime
import threading

from .seed import build_state, load_seed, normalise_salesforce, sim_id


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class SortedKeys:
    """Keys in sorted order, for `after`-cursor paging: the page after key k starts at bisect_right(k)."""

    def __init__(self, keys=()):
        self.keys = sorted(keys)

    def add(self, key: str) -> None:
        i = bisect.bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            self.keys.insert(i, key)

    def remove(self, key: str) -> None:
        i = bisect.bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            del self.keys[i]

    def page(self, after: str | None, limit: int) -> tuple[list, bool]:
        """Up to `limit` keys after `after`, and whether more follow."""
        start = bisect.bisect_right(self.keys, after) if after else 0
        chunk = self.keys[start:start + limit]
        return chunk, start + limit < len(self.keys)

    def __len__(self):
        return len(self.keys)


class SimState:
    """State dict + indexes. `data` is the dict tests see through `/_sim/state`."""

    def __init__(self, seed=None):
        self.lock = threading.RLock()
        self.reset(seed)

    # ----- lifecycle -------------------------------------------------------------------------
    def reset(self, seed=None) -> None:
        with self.lock:
            self.seed = load_seed(seed)
            self.data = build_state(self.seed)
            self.issued_tokens = {}      # access token -> {client_id, scopes, expires, jkt (DPoP-bound) or None}
            self.used_jtis = set()       # client assertions
            self.used_dpop_jtis = set()  # DPoP proofs
            self.dpop_nonces = {}        # "token" | "api" -> {nonce: expires}
            self.oauth_secrets = set()   # assertions, proofs and access tokens seen: canaries for output scans
            self.sf_sessions = {}        # sessionId -> {username, password_expired}
            self.sf_query_cursors = {}   # query locator -> (records, batch size): SOQL answers still to fetch
            self.sync_drifted = {}       # app id -> Okta user ids a sync_drift control call changed
            self.system_log_times = []   # persistence times parallel to data["okta"]["system_log"]
            self.rebuild_indexes()

    def rebuild_indexes(self) -> None:
        normalise_salesforce(self.data["salesforce"])
        okta = self.data["okta"]
        self.users_sorted = SortedKeys(okta["users"])
        self.users_by_login = {u["profile"]["login"].lower(): uid for uid, u in okta["users"].items()}
        self.groups_sorted = SortedKeys(okta["groups"])
        self.groups_by_name = {g["profile"]["name"].lower(): gid for gid, g in okta["groups"].items()}
        # Group names are not unique in Okta (an Okta group and one imported from AD can share one): a
        # search by name finds every group that carries it.
        self.group_ids_by_name = {}
        for gid, group in sorted(okta["groups"].items()):
            self.group_ids_by_name.setdefault(group["profile"]["name"].lower(), []).append(gid)
        self.apps_sorted = SortedKeys(okta["apps"])
        for app_id in okta["apps"]:
            okta["app_users"].setdefault(app_id, {})
            okta["app_groups"].setdefault(app_id, {})
        self._recompute_group_scope()
        self.app_users_sorted = {aid: SortedKeys(records) for aid, records in okta["app_users"].items()}
        self.app_groups_sorted = {aid: SortedKeys(records) for aid, records in okta["app_groups"].items()}

    def _recompute_group_scope(self) -> None:
        """Group-scoped app users follow the app's group assignments and the groups' members."""
        okta = self.data["okta"]
        for app_id, records in okta["app_users"].items():
            for uid in list(records):
                records[uid]["groups"] = []
                if records[uid].get("scope") != "USER":
                    del records[uid]
            for gid in okta["app_groups"].get(app_id, {}):
                for uid in okta["group_members"].get(gid, []):
                    self._add_group_scope(app_id, uid, gid, index=False)

    # ----- ids and lookups ---------------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        counters = self.data["okta"]["counters"]
        counters[prefix] = counters.get(prefix, 0) + 1
        return sim_id(prefix, counters[prefix])

    def user_by_login(self, login: str) -> dict | None:
        uid = self.users_by_login.get(login.lower())
        return self.data["okta"]["users"].get(uid) if uid else None

    def user_by_id_or_login(self, key: str) -> dict | None:
        return self.data["okta"]["users"].get(key) or self.user_by_login(key)

    def group_by_name(self, name: str) -> dict | None:
        gid = self.groups_by_name.get(name.lower())
        return self.data["okta"]["groups"].get(gid) if gid else None

    # ----- writes that keep indexes in step ----------------------------------------------------
    def add_app(self, app: dict, connection: dict, features: dict) -> None:
        okta = self.data["okta"]
        okta["apps"][app["id"]] = app
        okta["connections"][app["id"]] = connection
        okta["features"][app["id"]] = features
        okta["app_users"][app["id"]] = {}
        okta["app_groups"][app["id"]] = {}
        self.apps_sorted.add(app["id"])
        self.app_users_sorted[app["id"]] = SortedKeys()
        self.app_groups_sorted[app["id"]] = SortedKeys()

    def set_direct_assignment(self, app_id: str, uid: str, credentials: dict, profile: dict) -> dict:
        records = self.data["okta"]["app_users"][app_id]
        record = records.get(uid)
        stamp = now_iso()
        if record is None:
            record = {"id": uid, "scope": "USER", "groups": [], "credentials": {}, "profile": {}, "created": stamp}
            records[uid] = record
            self.app_users_sorted[app_id].add(uid)
        record["scope"] = "USER"
        record["credentials"] = credentials
        record["profile"] = profile
        record["lastUpdated"] = stamp
        return record

    def remove_direct_assignment(self, app_id: str, uid: str) -> None:
        records = self.data["okta"]["app_users"][app_id]
        record = records[uid]
        if record["groups"]:
            record["scope"] = "GROUP"
            record["lastUpdated"] = now_iso()
        else:
            del records[uid]
            self.app_users_sorted[app_id].remove(uid)

    def _add_group_scope(self, app_id: str, uid: str, gid: str, index: bool = True) -> None:
        records = self.data["okta"]["app_users"][app_id]
        record = records.get(uid)
        if record is None:
            user = self.data["okta"]["users"].get(uid)
            if user is None:
                return
            stamp = now_iso()
            record = {"id": uid, "scope": "GROUP", "groups": [],
                      "credentials": {"userName": user["profile"]["login"]},
                      "profile": copy.deepcopy(self.data["okta"]["app_groups"][app_id][gid].get("profile", {})),
                      "created": stamp, "lastUpdated": stamp}
            records[uid] = record
            if index:
                self.app_users_sorted[app_id].add(uid)
        if gid not in record["groups"]:
            record["groups"].append(gid)

    def set_group_assignment(self, app_id: str, gid: str, priority, profile: dict) -> dict:
        groups = self.data["okta"]["app_groups"][app_id]
        record = groups.get(gid)
        if record is None:
            record = {"id": gid, "priority": priority if priority is not None else len(groups), "profile": profile}
            groups[gid] = record
            self.app_groups_sorted[app_id].add(gid)
        else:
            if priority is not None:
                record["priority"] = priority
            if profile:
                record["profile"] = profile
        record["lastUpdated"] = now_iso()
        for uid in self.data["okta"]["group_members"].get(gid, []):
            self._add_group_scope(app_id, uid, gid)
        return record

    def remove_group_assignment(self, app_id: str, gid: str) -> None:
        del self.data["okta"]["app_groups"][app_id][gid]
        self.app_groups_sorted[app_id].remove(gid)
        records = self.data["okta"]["app_users"][app_id]
        for uid in self.data["okta"]["group_members"].get(gid, []):
            record = records.get(uid)
            if record is None or gid not in record["groups"]:
                continue
            record["groups"].remove(gid)
            if not record["groups"] and record["scope"] == "GROUP":
                del records[uid]
                self.app_users_sorted[app_id].remove(uid)

    # ----- tests' view -------------------------------------------------------------------------
    def dump(self) -> dict:
        with self.lock:
            return copy.deepcopy(self.data)

    def patch(self, path: list, value) -> None:
        """Set one value by path. Okta users may be named by login and groups by name."""
        if not path:
            raise ValueError("patch path is empty")
        with self.lock:
            path = list(path)
            if len(path) >= 3 and path[0] == "okta" and path[1] == "users" and path[2] not in self.data["okta"]["users"]:
                path[2] = self.users_by_login.get(str(path[2]).lower(), path[2])
            if len(path) >= 3 and path[0] == "okta" and path[1] in ("groups", "group_members") \
                    and path[2] not in self.data["okta"][path[1]]:
                path[2] = self.groups_by_name.get(str(path[2]).lower(), path[2])
            node = self.data
            for key in path[:-1]:
                if isinstance(node, list):
                    node = node[int(key)]
                else:
                    node = node.setdefault(key, {})
            if isinstance(node, list):
                node[int(path[-1])] = value
            else:
                node[path[-1]] = value
            self.rebuild_indexes()
