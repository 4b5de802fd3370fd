"""Checks of the repository as it ships: packaging, lint, reference docs, ansible-doc, role variables.

They run the tools a maintainer or a release would run (ansible-galaxy, ansible-builder, ansible-lint,
antsibull-docs, ansible-doc, ansible-inventory) on the repository's files. The collection is found as
`ansible_collections.idm.okta_salesforce` (build/collections, what `make collection` links), both by
those tools and by test_ansible_doc.py, which imports the modules to read their argument specs.
"""
from __future__ import annotations

import sys

from tests.ansible_env import COLLECTIONS, ensure_collection_link

ensure_collection_link()
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
