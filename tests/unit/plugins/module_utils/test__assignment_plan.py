"""_assignment_plan: the pure comparison and the ``--diff`` lines, without any Okta (end to end in test__assignments)."""
from __future__ import annotations

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
    plan_changes,
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
