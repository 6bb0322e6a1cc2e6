"""The binaries under test, as tests/support/test-env.sh names them (debug builds of this
checkout)."""

import os

APP = os.environ["PATCHBAY_APP_BINARY"]
CLI = os.environ["PATCHBAY_CLI_BINARY"]
