"""Dutch Presidio recognizers for verzendcheck, and the one analyzer that runs them."""
