# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one base class of the errors this collection raises on purpose (internal).

Every domain error (bad input, an Okta answer, a Salesforce refusal, a missing app) derives from
`CollectionError`. Its message already says what is wrong and what to do, and it carries the
result fields it adds to the module's failed result (`fault_code`, `admin_url`, `okta_error`, ...).
The module shell (`_okta_module.OktaModule.run`) turns any of them into one clean `fail_json`;
anything else that escapes is a bug, reported as such.
"""

from __future__ import annotations


class CollectionError(Exception):
    """An expected failure: `str(error)` is the message, `fields` are extra result keys."""

    def __init__(self, message, **fields):
        super().__init__(message)
        self.fields = fields

    def result_fields(self):
        """The result keys this error adds to the failed result (unset ones left out)."""
        return {name: value for name, value in self.fields.items() if value is not None}


class InputError(CollectionError, ValueError):
    """Bad module input, found before any request was sent."""
