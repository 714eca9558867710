"""pytest plugin (loaded with -p from pyproject): give each test run a throwaway FOLLOWUP_HOME.

It must run before pytest-django reads the settings, which happens before any conftest.py is
imported; otherwise tests would share (and delete) the user's real data folder.
"""

import os
import tempfile

if not os.environ.get("FOLLOWUP_HOME"):
    os.environ["FOLLOWUP_HOME"] = tempfile.mkdtemp(prefix="followup-test-")
