"""verzendcheck: a pre-send scanner for personal data in outgoing mail of the immigration chain."""

__version__ = "0.1.0"

# Every module of the scanner reaches Presidio through here first: import it without its ~200
# predefined recognizers (recognizers/presidio_import.py; the full package loads on first need).
import recognizers  # noqa: F401
