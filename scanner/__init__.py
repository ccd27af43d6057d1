"""verzendcheck: a pre-send scanner for personal data in outgoing mail of the immigration chain."""

__version__ = "0.1.0"
