"""`python -m seniormode.cli`, as `seniormode`."""

import sys

from . import main

sys.exit(main())
