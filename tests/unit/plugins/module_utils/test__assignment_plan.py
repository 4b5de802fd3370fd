"""_assignment_plan: the pure comparison and the ``--diff`` lines, without any Okta (end to end in test__assignments)."""
from __future__ import annotations

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_plan import (
    GROUPS,
    USERS,
    AssignedGroup,
    AssignedUser,
    Plan,
    WantedGroup,
    WantedUser,
    before_after,
    compact,
    mark_covered,
    parse_max_removals,
    plan_changes,
    removable_count,
    removal_limit,
    show,
)


def assigned_user(user_id, scope="USER", profile=None):
    return AssignedUser(id=user_id, login=f"{user_id}@acme.com", scope=scope, user_name=None, profile=profile or {})


def test_group_scoped_users_are_never_removed_but_get_a_direct_assignment_when_listed():
    users = (assigned_user("a", scope="GROUP"), assigned_user("b", scope="GROUP"), assigned_user("c"))
    current = {user.id: user for user in users}
    plan = Plan()
    plan_changes(USERS, [WantedUser(login="a@acme.com", resolved_id="a", resolved_key="a@acme.com")], current,
                 "present", True, True, plan)
    assert [(change.action, change.target_id) for change in plan.changes] == [("add", "a"), ("remove", "c")]
    absent = Plan()
    plan_changes(USERS, [WantedUser(id="b", resolved_id="b")], current, "absent", False, True, absent)
    assert absent.changes == [] and absent.not_removed == [
        {"user": "b@acme.com", "reason": "assigned through a group (scope GROUP); remove it from the group"}]


def test_diff_lines_show_only_what_the_task_manages():
    current = {"g1": AssignedGroup(id="g1", name="Sales", priority=3, profile={"role": "Old", "other": 1})}
    wanted = [WantedGroup(name="Sales", priority=0, profile={"role": "New"}, resolved_id="g1", resolved_key="Sales"),
              WantedGroup(name="Support", resolved_id="g2", resolved_key="Support")]
    plan = Plan()
    plan_changes(GROUPS, wanted, current, "present", False, True, plan)
    assert before_after(GROUPS, current, wanted, plan.changes) == (
        ["Sales priority=3 role=Old"], ["Sales priority=0 role=New", "Support"])


def test_diff_lines_show_values_without_double_quotes():
    assert show("Standard User") == "'Standard User'"
    assert show(["EMEA", "Sales Ops"]) == "[EMEA, 'Sales Ops']"
    assert show(None) == "null" and show(3) == "3"


def test_compact_keeps_short_listings_whole():
    assert compact(["a", "b"], ["a"]) == (["a", "b"], ["a"])


# ---------------------------------------------------------------- safe exclusive

def _exclusive_plan():
    listed = (assigned_user("a", profile={"role": "Old"}), assigned_user("b"), assigned_user("g", scope="GROUP"))
    users = {user.id: user for user in listed}
    groups = {"00gold": AssignedGroup(id="00gold", name="Old", priority=1, profile={})}
    plan = Plan()
    plan_changes(GROUPS, [WantedGroup(name="Sales", resolved_id="00gsales", resolved_key="Sales")], groups,
                 "present", True, True, plan)
    plan_changes(USERS, [WantedUser(login="a@acme.com", profile={"role": "New"}, resolved_id="a"),
                         WantedUser(login="n@acme.com", resolved_id="n")], users, "present", True, True, plan)
    return plan, {USERS: users, GROUPS: groups}


def test_the_plan_is_sent_groups_first_then_user_adds_and_updates_then_removals():
    plan, _current = _exclusive_plan()
    assert [(c.kind, c.action, c.target_id) for c in plan.ordered()] == [
        ("group", "add", "00gsales"), ("user", "update", "a"), ("user", "add", "n"),
        ("group", "remove", "00gold"), ("user", "remove", "b")]
    assert [c.target_id for c in plan.removals] == ["00gold", "b"]


def test_removable_assignments_leave_group_scoped_users_out():
    _plan, current = _exclusive_plan()
    assert removable_count(current) == 3     # a, b and the group Old; g has the app only through a group


@pytest.mark.parametrize("value, parsed", [(None, None), ("", None), (0, (0, None)), (12, (12, None)), ("12", (12, None)),
                                           ("10%", (None, 10.0)), (" 2.5 % ", (None, 2.5)), ("100%", (None, 100.0))])
def test_max_removals_is_a_count_or_a_percentage(value, parsed):
    assert parse_max_removals(value) == parsed


@pytest.mark.parametrize("value", ["ten", "-3", "101%", "%", True, 1.5, [3]])
def test_a_max_removals_that_is_neither_is_refused(value):
    with pytest.raises(ValueError, match="a count .* or a percentage"):
        parse_max_removals(value)


@pytest.mark.parametrize("value, current, limit", [(None, 50, None), (5, 50, 5), ("10%", 25, 2), ("10%", 9, 0),
                                                   ("100%", 7, 7), ("33%", 3, 0)])
def test_the_removal_limit_rounds_a_percentage_down(value, current, limit):
    assert removal_limit(value, current) == limit


def test_user_removals_covered_by_a_listed_group_are_marked():
    plan, _current = _exclusive_plan()
    mark_covered(plan, {"00gsales": "Sales"}, {"00gsales": {"b", "x"}})
    covered = {c.target_id: c.covered_by for c in plan.removals}
    assert covered == {"00gold": (), "b": (("00gsales", "Sales"),)}
