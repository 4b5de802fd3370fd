# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """Attribute descriptions shared by the collection's modules.

    A module states its own C(support) (and C(details)) for each attribute in its DOCUMENTATION;
    the fragments here carry the descriptions and the action group membership.
    """

    # Use with every module; each module then states check_mode and diff_mode support.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
"""

    # Modules that are part of the C(okta) action group (every module that talks to Okta).
    ACTIONGROUP_OKTA = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/idm.okta_salesforce.okta) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - idm.okta_salesforce.okta
"""

    # Modules that only read: full check mode support, no diff.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
"""
