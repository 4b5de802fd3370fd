#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_assignment
short_description: Assign Okta users and groups to an app (Salesforce first), thousands at a time
version_added: 0.1.0
description:
  - Brings the user and group assignments of an Okta app to the wanted state, with app-user
    C(userName) and profile attributes (for Salesforce for example C(profile), C(role),
    C(salesforceGroups)).
  - Reads the current assignments once (500 users per call, with their logins), looks up only the
    logins and group names it does not already know, in batches of about 50 per call, checks every
    name and profile attribute, and only then writes the differences, with O(max_workers) concurrent
    requests paced by Okta's rate-limit headers.
  - Bad input (unknown logins, ids or groups, deactivated users, ambiguous group names, attributes the
    app-user schema does not declare) fails the task before anything is written, listing every problem
    at once.
  - One failing write does not stop the others. The task then fails at the end, naming each failure
    with Okta's error code, summary and request id, and still returns what was added, updated and
    removed. An assign whose answer is lost (an HTTP 5xx answer, or the connection dropped after it
    was sent) is never resent blindly; the user's assignment is read back, and the assign is sent again
    only if it did not happen, up to O(max_retries) times. Running the task again reads the assignments
    and completes the rest.
  - A listed user gets a direct assignment (scope C(USER)), also when it already has the app through a
    group, so that it keeps the app if the group assignment goes. Users that have the app only through
    a group (scope C(GROUP)) are never removed by this module; remove them from the group, or remove the
    group assignment.
author:
  - idm.okta_salesforce contributors (!UNKNOWN)
extends_documentation_fragment:
  - idm.okta_salesforce.okta
  - idm.okta_salesforce.attributes
  - idm.okta_salesforce.attributes.actiongroup_okta
attributes:
  check_mode:
    support: full
    details:
      - Makes no write call; reports what would be added, updated and removed.
  diff_mode:
    support: full
    details:
      - Shows the assignments before and after, one line per user login or group name with the
        attributes the task manages.
      - Past 200 assignments, the ones that do not change are summarised as a count.
options:
  app_id:
    description:
      - Id of the app (C(0oa...)). One of O(app_id) and O(app_label) is required.
    type: str
  app_label:
    description:
      - Label of the app as shown in the Admin Console, for example C(Salesforce.com).
      - The task fails, listing the candidates, when no app or several apps of O(app_name) carry it.
    type: str
  app_name:
    description:
      - Okta's name of the app integration, used with O(app_label) to find the app.
    type: str
    default: salesforce
  users:
    description:
      - Users to assign (or, with O(state=absent), to unassign). Give each by O(users[].login) or O(users[].id).
      - When omitted, user assignments are not managed (not even with O(exclusive=true)).
      - With O(exclusive=true), an empty list is refused (see O(exclusive)). A task that lists no user and no
        group (both omitted, or empty lists without O(exclusive=true)) changes nothing and warns that nothing is
        managed.
      - Each entry takes only the keys below; an unknown key (a typo such as C(logon)) fails the task, naming the
        entry's index and the key.
    type: list
    elements: dict
    suboptions:
      login:
        description: Okta login of the user (case-insensitive).
        type: str
      id:
        description: Okta user id (C(00u...)).
        type: str
      username:
        description:
          - The user's name in the app (app-user C(credentials.userName)). When omitted, Okta derives it
            from the app's username template on assignment, and an existing value is left as it is.
        type: str
      profile:
        description:
          - "App-user profile attributes to set, for Salesforce for example
            C({profile: Standard User, role: Sales, salesforceGroups: [EMEA]})."
          - Names are checked against the app-user schema before any write. Attributes not given are left as
            they are. Lists compare regardless of order.
        type: dict
  groups:
    description:
      - Groups to assign (or, with O(state=absent), to unassign). Give each by O(groups[].name) or O(groups[].id).
      - When omitted, group assignments are not managed (not even with O(exclusive=true)).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the Okta group. Fails when several groups carry it; give O(groups[].id) then.
        type: str
      id:
        description: Okta group id (C(00g...)).
        type: str
      priority:
        description: Priority of the group assignment (0 is highest). When omitted, Okta picks one on creation.
        type: int
      profile:
        description: App-user profile attributes the group assignment gives its members (checked against the schema).
        type: dict
  state:
    description:
      - V(present) assigns the listed users and groups, V(absent) removes their assignments.
      - V(absent) never removes a user that has the app only through a group; it says so in a warning and in
        RV(not_removed). Entries that are not assigned are left alone, and need not exist in Okta.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With V(true), direct user assignments and group assignments that are not listed are removed, for
        each of O(users) and O(groups) that is given. Users assigned through a group are never removed.
      - Removing an assignment deprovisions the user in the app (for Salesforce, Okta deactivates the user
        when deprovisioning is enabled). No email is sent to the user.
      - The writes go in this order, in every mode; group assignments (adds and updates), then user adds
        and updates, then removals. No removal is sent when any add or update of the run failed; each is listed
        in RV(not_removed) with the reason, and the task fails naming the failed writes.
      - A user removed from its direct assignment who is a member of a listed group (a user moving from a direct
        assignment to a group) keeps the app through the group. The direct assignment is removed only after the
        group's assignment reads back from Okta; if it cannot be confirmed, the user is listed in RV(not_removed).
      - Only with O(state=present).
      - An empty O(users) or O(groups) list is refused with O(exclusive=true), as it would remove every assignment of
        that kind and almost always comes from a variable that was not filled. To remove assignments, list them with
        O(state=absent).
    type: bool
    default: false
  update_profiles:
    description:
      - With V(true), existing assignments whose O(users[].username), O(users[].profile), O(groups[].priority)
        or O(groups[].profile) differ are updated. With V(false), those values are only set on new assignments
        (a group priority is still enforced).
    type: bool
    default: true
  max_removals:
    description:
      - The most assignments (direct user assignments and group assignments together) the task may remove. A
        count such as V(20), or a percentage of the app's current direct user and group assignments such as
        V(10%) (rounded down). When the run would remove more, the task fails before writing anything (also in
        check mode), naming the number of removals and the first of them; raise the limit for a run whose
        removals are meant.
      - Guards against a list that lost entries (a variable filled from a broken source) turning O(exclusive=true)
        into a mass deprovisioning. Applies to O(state=absent) too.
      - When omitted, there is no limit. The role C(idm.okta_salesforce.enable_provisioning) sets one
        (C(okta_sf_max_removals), default V(10%)).
    type: raw
  max_workers:
    description:
      - Number of concurrent write requests (and lookup batches), from 1 to 32. The Okta client also paces
        all of them by the rate-limit headers, so a higher value does not exceed the org's limits; it only
        helps while the limits leave room.
    type: int
    default: 8
notes:
  - Uses C(GET /api/v1/apps/{appId}/users?expand=user), C(GET /api/v1/apps/{appId}/groups?expand=group),
    C(GET /api/v1/users?search=), C(GET /api/v1/groups?search=), C(GET /api/v1/meta/schemas/apps/{appId}/default)
    (only when a profile is given), C(GET /api/v1/groups/{groupId}/users) and C(GET /api/v1/apps/{appId}/groups/{groupId})
    (only when O(exclusive=true) removes users and O(groups) are listed), C(POST /api/v1/apps/{appId}/users), C(POST /api/v1/apps/{appId}/users/{userId}),
    C(DELETE /api/v1/apps/{appId}/users/{userId}?sendEmail=false), C(PUT /api/v1/apps/{appId}/groups/{groupId}) and
    C(DELETE /api/v1/apps/{appId}/groups/{groupId}), all public and documented in Okta's Management API.
  - Scopes needed with OAuth 2.0 are C(okta.apps.read), C(okta.apps.manage), C(okta.users.read),
    C(okta.groups.read) and C(okta.schemas.read).
seealso:
  - module: idm.okta_salesforce.okta_sf_provisioning
"""

EXAMPLES = r"""
- name: Assign two Salesforce users with their Salesforce profile and role
  idm.okta_salesforce.okta_app_assignment:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_label: Salesforce.com
    users:
      - login: jane.doe@acme.com
        profile:
          profile: Standard User
          role: Sales EMEA
      - login: john.roe@acme.com
        username: john.roe@acme.com.sfprod
        profile:
          profile: System Administrator

- name: Assign groups, with a priority and the attributes their members get
  idm.okta_salesforce.okta_app_assignment:
    app_id: 0oa1abcdEFGH2345ijkl
    groups:
      - name: Sales
        priority: 0
        profile:
          profile: Standard User
          salesforceGroups: [Sales]
      - name: Salesforce Admins
        priority: 1

- name: Assign thousands of users listed in a vars file; remove every other direct assignment
  idm.okta_salesforce.okta_app_assignment:
    app_label: Salesforce.com
    # salesforce_users: a list of {login: ..., profile: {...}} entries, for example from vars/salesforce_users.yml
    users: "{{ salesforce_users }}"
    exclusive: true
    max_workers: 8

- name: Remove the assignments of users who left
  idm.okta_salesforce.okta_app_assignment:
    app_label: Salesforce.com
    state: absent
    users:
      - login: former.employee@acme.com

- name: Audit the group assignments without writing, with the Okta options set once for the block
  module_defaults:
    group/idm.okta_salesforce.okta:
      org_url: https://acme.okta.com
      api_token: "{{ lookup('ansible.builtin.env', 'OKTA_API_TOKEN') }}"
  block:
    - name: Show what would change
      idm.okta_salesforce.okta_app_assignment:
        app_label: Salesforce.com
        groups:
          - name: Sales
          - name: Support
      check_mode: true
      diff: true
"""

RETURN = r"""
app:
  description: The app whose assignments were managed.
  returned: success or when the writes failed
  type: dict
  contains:
    id:
      description: App id.
      type: str
    label:
      description: App label.
      type: str
    name:
      description: App integration name.
      type: str
  sample: {id: 0oasalesforce0001, label: Salesforce.com, name: salesforce}
added:
  description: Logins of the users and names of the groups that were (in check mode, would be) assigned.
  returned: always
  type: list
  elements: str
  sample: [jane.doe@acme.com, Sales]
updated:
  description: Logins and group names whose username, profile or priority were (would be) updated.
  returned: always
  type: list
  elements: str
  sample: [john.roe@acme.com]
removed:
  description: Logins and group names whose assignment was (would be) removed.
  returned: always
  type: list
  elements: str
  sample: [former.employee@acme.com]
unchanged:
  description: Number of listed users and groups that were already as wanted.
  returned: always
  type: int
  sample: 1998
failures:
  description:
    - The writes that failed; the task fails when this is not empty, after all the other writes were sent.
    - Named C(failures) because Ansible reserves C(failed) for the task status.
  returned: always
  type: list
  elements: dict
  contains:
    user:
      description: Login (or id) of the user, for a user write.
      type: str
      returned: for a user write
    group:
      description: Name (or id) of the group, for a group write.
      type: str
      returned: for a group write
    action:
      description: V(add), V(update) or V(remove).
      type: str
    status:
      description: HTTP status, or null for a transport error.
      type: int
    error_code:
      description: Okta's error code (C(E0000...)).
      type: str
    summary:
      description: Okta's error summary.
      type: str
    causes:
      description: Okta's error causes.
      type: list
      elements: str
    request_id:
      description: Okta's request id (C(X-Okta-Request-Id)), to quote to Okta support.
      type: str
  sample:
    - {user: user0005@acme.com, action: add, status: 400, error_code: E0000001, summary: "Api validation failed: profile",
       causes: [], request_id: XyZ123}
not_removed:
  description:
    - Assignments that were to be removed and were not, each with the reason (key C(user) or C(group) with its
      login or name, and C(reason)).
    - Users that have the app only through a group (scope C(GROUP)); every removal of a run in which an add or
      update failed; a user moving to a listed group whose assignment could not be confirmed.
  returned: always
  type: list
  elements: dict
  sample: [{user: user0003@acme.com, reason: "assigned through a group (scope GROUP); remove it from the group"}]
api_calls:
  description: Okta API requests this task sent, by HTTP method and in total (retries and OAuth token requests included).
  returned: always
  type: dict
  sample: {GET: 45, POST: 2000, PUT: 3, total: 2048}
"""


from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignments import (
    AssignmentRequest,
    reconcile_assignments,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import find_app
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import OktaModule

USER_OPTIONS = dict(
    login=dict(type="str"),
    id=dict(type="str"),
    username=dict(type="str"),
    profile=dict(type="dict"),
)
GROUP_OPTIONS = dict(
    name=dict(type="str"),
    id=dict(type="str"),
    priority=dict(type="int"),
    profile=dict(type="dict"),
)


def reconcile(module):
    params = module.params
    request = AssignmentRequest(users=params["users"], groups=params["groups"], state=params["state"],
                                exclusive=params["exclusive"], update_profiles=params["update_profiles"],
                                max_workers=params["max_workers"], max_removals=params["max_removals"])
    app = find_app(module.client, app_id=params["app_id"], app_label=params["app_label"], app_name=params["app_name"])
    return reconcile_assignments(module.client, app, request, check_mode=module.check_mode)


def main():
    module = OktaModule(
        argument_spec=dict(
            app_id=dict(type="str"),
            app_label=dict(type="str"),
            app_name=dict(type="str", default="salesforce"),
            users=dict(type="list", elements="dict", options=USER_OPTIONS,
                       mutually_exclusive=[("login", "id")], required_one_of=[("login", "id")]),
            groups=dict(type="list", elements="dict", options=GROUP_OPTIONS,
                        mutually_exclusive=[("name", "id")], required_one_of=[("name", "id")]),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            exclusive=dict(type="bool", default=False),
            update_profiles=dict(type="bool", default=True),
            max_workers=dict(type="int", default=8),
            max_removals=dict(type="raw"),
        ),
        required_one_of=[("app_id", "app_label")],
        mutually_exclusive=[("app_id", "app_label")],
    )
    module.run(reconcile)


if __name__ == "__main__":
    main()
