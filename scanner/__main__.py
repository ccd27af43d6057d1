"""`python -m scanner` behaves exactly like the `verzendcheck` command."""

import sys

from scanner.cli import main

sys.exit(main())
