"""Dutch Presidio recognizers for verzendcheck, and the one analyzer that runs them."""

from recognizers.presidio_import import install as _install_presidio_import

_install_presidio_import()  # before any `from presidio_analyzer import ...` below this package
