"""`python -m seniormode`, as `seniormode`."""

import sys

from .cli import main

sys.exit(main())
