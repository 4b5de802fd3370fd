#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: okta_sf_api_user
short_description: Create the Salesforce API user of Okta's integration, and keep it and its profile fit
version_added: 0.3.0
description:
  - Step 1 of Okta's "Enable Salesforce provisioning" procedure, written through an administrator's session
    (C(sf_admin_*), the OAuth 2.0 JWT bearer or client credentials flow) instead of clicked in Salesforce Setup.
  - O(profile) - a custom profile that grants API Enabled and Manage Users on the profile itself (not through a
    permission set) and has Is Single Sign-On Enabled (delegated authentication) off. A missing profile is created
    with the Metadata API's C(createMetadata) with the user licence of O(base_profile) (Salesforce's APIs have no
    clone call, so nothing else of the base profile is copied). Its permissions are read and set on the permission
    set the profile owns (C(PermissionSet WHERE ProfileId)). C(permissions_changed) of RV(profile) lists every permission
    that had to change.
  - O(user) - the integration user exists, is active and has that profile (REST sObject C(User)). Only the user with
    the username O(user.username) is ever read or written.
  - O(state=absent) deactivates the user (Salesforce users cannot be deleted); the profile is left as it is.
  - Before any write, the task fails when the org has no free licence of the profile's kind
    (C(UserLicense) C(TotalLicenses - UsedLicenses)) for a user it would create or activate.
  - Check mode reads everything and reports exactly the writes a run would send (RV(writes)), sending none.
author:
  - idm.okta_salesforce contributors (!UNKNOWN)
extends_documentation_fragment:
  - idm.okta_salesforce.okta
  - idm.okta_salesforce.salesforce
  - idm.okta_salesforce.salesforce_admin
  - idm.okta_salesforce.attributes
  - idm.okta_salesforce.attributes.actiongroup_okta
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  state:
    description:
      - V(present) creates or fixes the profile and the user; V(absent) deactivates the user.
    type: str
    choices: [present, absent]
    default: present
  profile:
    description:
      - Name of the integration user's custom profile. Required with O(state=present).
    type: str
  base_profile:
    description:
      - Name of the existing profile whose user licence a missing O(profile) is created with, for example
        V(System Administrator) (the licence decides which permissions the profile can hold).
      - Needed only when O(profile) does not exist yet.
    type: str
  user:
    description:
      - The integration user. O(user.username) is required; the other fields are required by Salesforce when the user
        is created, and are kept as given afterwards (an unset field is left as it is).
    type: dict
    required: true
    suboptions:
      username:
        description: Salesforce username (an e-mail-like name, unique across all Salesforce orgs).
        type: str
        required: true
      email:
        description: E-mail address; Salesforce sends the security token here after a password change.
        type: str
      first_name:
        description: First name.
        type: str
      last_name:
        description: Last name.
        type: str
      alias:
        description: Alias (at most 8 characters).
        type: str
      locale_sid_key:
        description: Locale, for example V(en_US).
        type: str
        default: en_US
      time_zone_sid_key:
        description: Time zone, for example V(America/Los_Angeles).
        type: str
        default: America/Los_Angeles
      email_encoding_key:
        description: Email encoding.
        type: str
        default: UTF-8
      language_locale_key:
        description: Language, for example V(en_US).
        type: str
        default: en_US
  password:
    description:
      - Password to set on the user (Salesforce's C(POST /services/data/vXX.X/sobjects/User/{id}/password)), only as
        O(update_password) says. Never logged or returned.
      - After a password change Salesforce emails a new security token to the user's address; no API returns it
        (RV(security_token_note)).
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only on a user this task creates; V(always) sets it on every run (always
        C(changed), since a password cannot be read back).
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - The admin session (O(sf_admin_username) and the other C(sf_admin_*) options) reads and writes the integration user
    O(user.username) and its profile; its administrator needs Manage Users and, to create a profile, Customize
    Application and Modify Metadata.
  - Uses the Salesforce connection options O(sf_domain), O(sf_login_url), O(sf_api_version), O(sf_validate_certs),
    O(sf_ca_path) and O(sf_timeout); O(sf_username), O(sf_password) and O(sf_security_token) are not used (the user is
    O(user), its password O(password)). The Okta options are accepted, as by every module of the collection, and not
    used.
  - "Salesforce calls (documented by Salesforce): SOQL on C(Profile), C(PermissionSet), C(User) and C(UserLicense);
    C(GET sobjects/PermissionSet/describe); Metadata API C(createMetadata) of a C(Profile); C(PATCH
    sobjects/PermissionSet/{id}); C(POST sobjects/User), C(PATCH sobjects/User/{id}); C(POST
    sobjects/User/{id}/password)."
seealso:
  - module: idm.okta_salesforce.okta_sf_credentials_test
"""

EXAMPLES = r"""
- name: The Salesforce API user of Okta's integration, from an empty org
  idm.okta_salesforce.okta_sf_api_user:
    sf_domain: acme.my
    sf_admin_consumer_key: "{{ vault_sf_admin_consumer_key }}"
    sf_admin_consumer_secret: "{{ vault_sf_admin_consumer_secret }}"
    profile: Okta Integration
    base_profile: System Administrator
    user:
      username: okta.api@acme.com
      email: it-admins@acme.com
      first_name: Okta
      last_name: Integration
      alias: oktaapi
    password: "{{ vault_sf_api_user_password }}"
    update_password: on_create
"""

RETURN = r"""
profile:
  description: The profile, whether it was (or would be) created, and every permission changed.
  returned: always
  type: dict
  sample: {name: Okta Integration, id: 00e5g000000AbCdAAK, created: false,
           permissions_changed: [{permission: PermissionsManageUsers, label: Manage Users, before: false, after: true}]}
user:
  description: The user, whether it was (or would be) created, the fields changed, whether it is active.
  returned: always
  type: dict
  sample: {username: okta.api@acme.com, id: 0055g000000XyZaAAC, created: true, fields_changed: [], active: true}
licence:
  description: The profile's user licence (C(name), C(total), C(used), C(free)) as read before any write.
  returned: with state present
  type: dict
  sample: {name: Salesforce, total: 10, used: 4, free: 6}
writes:
  description: The writes sent (in check mode, that would be sent), in order.
  returned: always
  type: list
  elements: str
  sample: [profile_create, profile_permissions, user_create, password_set]
password_set:
  description: Whether the password was (or would be) set.
  returned: always
  type: bool
security_token_note:
  description: What happens to the security token after a password change.
  returned: when password_set
  type: str
salesforce_calls:
  description: Salesforce requests this task sent, by HTTP method and in total (the admin session's token request included).
  returned: always
  type: dict
  sample: {GET: 5, PATCH: 1, POST: 3, total: 9}
api_calls:
  description: Okta API requests this task sent (none).
  returned: always
  type: dict
  sample: {total: 0}
"""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import OktaModule
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce import (
    HAS_REQUESTS,
    HAS_SIMPLE_SALESFORCE,
    SALESFORCE_ARGUMENT_SPEC,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_api_user import ApiUserRun, check_input
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_oauth import (
    ADMIN_OPTIONS,
    OAUTH_ARGUMENT_SPEC,
)

USER_OPTIONS = dict(
    username=dict(type="str", required=True),
    email=dict(type="str"),
    first_name=dict(type="str"),
    last_name=dict(type="str"),
    alias=dict(type="str"),
    locale_sid_key=dict(type="str", default="en_US", no_log=False),
    time_zone_sid_key=dict(type="str", default="America/Los_Angeles", no_log=False),
    email_encoding_key=dict(type="str", default="UTF-8", no_log=False),
    language_locale_key=dict(type="str", default="en_US", no_log=False),
)


def ensure_api_user(module):
    for library, present in (("requests", HAS_REQUESTS), ("simple-salesforce", HAS_SIMPLE_SALESFORCE)):
        if not present:
            raise CollectionError(missing_required_lib(library))
    check_input(module.params)
    return ApiUserRun(module.params, module.check_mode).run()


def main():
    module = OktaModule(
        argument_spec=dict(
            SALESFORCE_ARGUMENT_SPEC,
            **{name: OAUTH_ARGUMENT_SPEC[name] for name in ADMIN_OPTIONS},
            state=dict(type="str", default="present", choices=["present", "absent"]),
            profile=dict(type="str"),
            base_profile=dict(type="str"),
            user=dict(type="dict", required=True, options=USER_OPTIONS),
            password=dict(type="str", no_log=True),
            update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        ),
    )
    module.run(ensure_api_user)


if __name__ == "__main__":
    main()
