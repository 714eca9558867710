"""Test set-up shared by every test: a throwaway FOLLOWUP_HOME unless make test gave one."""

import os
import tempfile

os.environ.setdefault("FOLLOWUP_HOME", tempfile.mkdtemp(prefix="followup-test-"))
