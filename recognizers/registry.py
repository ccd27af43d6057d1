"""The recognizers the analyzer runs, by module path and class name (one per file)."""

RECOGNIZERS: list[str] = [
]
