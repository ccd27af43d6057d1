"""Import Presidio's analyzer without its ~200 predefined recognizers.

`presidio_analyzer/__init__.py` imports `RecognizerRegistry`, whose module imports the
`predefined_recognizers` package, whose `__init__` imports (and compiles the patterns of) every
country-specific recognizer: about 0.3 s of a process start, for classes verzendcheck never runs.
The registry itself only needs the three NLP-engine recognizer classes.

`install()` puts both packages into `sys.modules` as their real module objects with their
`__init__` not yet run, and fills in what verzendcheck uses from the submodules that define it
(the very same classes, so `isinstance` and the registry behave as always). The first time
anything asks either package for a name not filled in (`from presidio_analyzer import
BatchAnalyzerEngine`, the bench's plain Presidio with its predefined recognizers), its real
`__init__` runs in place and everything is there as after a plain import; so it does before
Presidio searches the subclasses of EntityRecognizer for the predefined recognizers a
configuration names (`AnalyzerEngine()` with its defaults). Nothing changes when
Presidio was imported already, or when its layout is not the one this was written for.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import threading
from types import ModuleType

PACKAGE = "presidio_analyzer"
PREDEFINED = "presidio_analyzer.predefined_recognizers"

# Names verzendcheck (and the registry module) read from the two packages, and where they live.
_PACKAGE_NAMES = {
    "AnalysisExplanation": "presidio_analyzer.analysis_explanation",
    "RecognizerResult": "presidio_analyzer.recognizer_result",
    "EntityRecognizer": "presidio_analyzer.entity_recognizer",
    "LocalRecognizer": "presidio_analyzer.local_recognizer",
    "Pattern": "presidio_analyzer.pattern",
    "PatternRecognizer": "presidio_analyzer.pattern_recognizer",
}
_LATE_PACKAGE_NAMES = {  # these import the registry, so they come after the predefined stand-in
    "RecognizerRegistry": "presidio_analyzer.recognizer_registry",
    "AnalyzerEngine": "presidio_analyzer.analyzer_engine",
    "ContextAwareEnhancer": "presidio_analyzer.context_aware_enhancers",
    "LemmaContextAwareEnhancer": "presidio_analyzer.context_aware_enhancers",
}
_PREDEFINED_NAMES = {
    "SpacyRecognizer": "presidio_analyzer.predefined_recognizers.nlp_engine_recognizers.spacy_recognizer",
    "StanzaRecognizer": "presidio_analyzer.predefined_recognizers.nlp_engine_recognizers.stanza_recognizer",
    "TransformersRecognizer":
        "presidio_analyzer.predefined_recognizers.nlp_engine_recognizers.transformers_recognizer",
}

_lock = threading.RLock()


def _unrun_package(name: str) -> ModuleType | None:
    """The package's module object, registered, its `__init__` not run; it runs on a missing name
    (or when `complete(name)` asks)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return None
    module = importlib.util.module_from_spec(spec)
    state = {"done": False}

    def run_init() -> None:
        with _lock:
            if not state["done"]:
                state["done"] = True
                del module.__dict__["__getattr__"]
                spec.loader.exec_module(module)

    def missing(attr: str) -> object:
        run_init()
        try:
            return module.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    module.__getattr__ = missing
    _pending[name] = run_init
    sys.modules[name] = module
    return module


_pending: dict[str, object] = {}


def complete(name: str = PREDEFINED) -> None:
    """Run the package's `__init__` now if it has not run (a no-op after a plain import)."""
    run_init = _pending.pop(name, None)
    if run_init is not None:
        run_init()


def _complete_before_subclass_search() -> None:
    """Presidio finds the predefined recognizers a configuration names among the subclasses of
    EntityRecognizer (`RecognizerListLoader.get_all_existing_recognizers`): only classes already
    imported are there, so that search first runs the predefined package's `__init__`."""
    from presidio_analyzer.recognizer_registry.recognizers_loader_utils import RecognizerListLoader

    search = RecognizerListLoader.__dict__["get_all_existing_recognizers"].__func__

    def get_all_existing_recognizers(cls=None):
        complete(PREDEFINED)
        return search(cls)

    get_all_existing_recognizers.__doc__ = search.__doc__
    RecognizerListLoader.get_all_existing_recognizers = staticmethod(get_all_existing_recognizers)


def _fill(module: ModuleType, names: dict[str, str]) -> None:
    for attr, source in names.items():
        setattr(module, attr, getattr(importlib.import_module(source), attr))


def install() -> bool:
    """Make `import presidio_analyzer` skip the predefined recognizers; True if it now does."""
    with _lock:
        if PACKAGE in sys.modules:
            return False
        try:
            package = _unrun_package(PACKAGE)
            if package is None:
                return False
            # What the package __init__ sets up besides imports: its loggers.
            logging.getLogger("presidio-analyzer").addHandler(logging.NullHandler())
            _fill(package, _PACKAGE_NAMES)
            predefined = _unrun_package(PREDEFINED)
            if predefined is not None:
                _fill(predefined, _PREDEFINED_NAMES)
            _fill(package, _LATE_PACKAGE_NAMES)
            if predefined is not None:
                _complete_before_subclass_search()
        except (ImportError, AttributeError, KeyError):
            # Another Presidio layout: forget the partial state and let a plain import happen.
            for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
                del sys.modules[name]
            return False
        return True
