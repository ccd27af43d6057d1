"""Import Presidio's analyzer without its ~200 predefined recognizers.

`presidio_analyzer/__init__.py` imports `RecognizerRegistry`, whose module imports the
`predefined_recognizers` package, whose `__init__` imports (and compiles the patterns of) every
country-specific recognizer: about 0.3 s of a process start, for classes verzendcheck never runs
(the registry itself only needs the three NLP-engine recognizer classes).

`install()` puts a finder first on `sys.meta_path` that loads these packages with their
`__init__` deferred: the package module gets, in the `__init__`'s own order, only the names
verzendcheck reads, from the submodules that define them (`_NAMES`: the very same classes, so
`isinstance` and the registry behave as always). Any other name (`from presidio_analyzer import
BatchAnalyzerEngine`, `import *`) first runs the real `__init__` in place,
so everything is there as after a plain import. Presidio also finds the predefined recognizers a
configuration names (`AnalyzerEngine()` with its defaults) among the imported subclasses of
EntityRecognizer: that search (`RecognizerListLoader.get_all_existing_recognizers`) first runs
the predefined package's `__init__`. Installing imports nothing; a package imported before
`install()` is left as it is.

Only for packages whose `__init__` binds no name that is also a submodule's (a submodule imported
before the deferred `__init__` would stay bound to that name): true of both Presidio packages, not
of `spacy.cli` (its `__init__` rebinds `download`, `info`, ... to functions).

spaCy's own `__init__` imports `spacy.cli` for one function, `spacy.info`: the whole CLI, weasel,
typer, and with httpx installed httpx and rich, about 0.4-0.7 s of every start (a third of the
first result of `verzendcheck scan`). The same finder runs spaCy's `__init__` with a stand-in
`spacy.cli.info` whose `info` imports the real one when called, then takes the stand-ins away:
`spacy.cli` is imported for real by the first `import spacy.cli` / `from spacy.cli import ...`
or the first `spacy.cli` attribute read (Presidio's model download), as if nothing happened.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable
from types import ModuleType

PREDEFINED = "presidio_analyzer.predefined_recognizers"
LOADER_UTILS = "presidio_analyzer.recognizer_registry.recognizers_loader_utils"

# Package -> the names read from it without its __init__, and the submodule each lives in, in the
# order of the package's own imports.
_NAMES: dict[str, dict[str, str]] = {
    "presidio_analyzer": {
        "AnalysisExplanation": "presidio_analyzer.analysis_explanation",
        "RecognizerResult": "presidio_analyzer.recognizer_result",
        "EntityRecognizer": "presidio_analyzer.entity_recognizer",
        "LocalRecognizer": "presidio_analyzer.local_recognizer",
        "Pattern": "presidio_analyzer.pattern",
        "PatternRecognizer": "presidio_analyzer.pattern_recognizer",
        "RecognizerRegistry": "presidio_analyzer.recognizer_registry",
        "AnalyzerEngine": "presidio_analyzer.analyzer_engine",
        "ContextAwareEnhancer": "presidio_analyzer.context_aware_enhancers",
        "LemmaContextAwareEnhancer": "presidio_analyzer.context_aware_enhancers",
    },
    PREDEFINED: {
        "SpacyRecognizer": f"{PREDEFINED}.nlp_engine_recognizers.spacy_recognizer",
        "StanzaRecognizer": f"{PREDEFINED}.nlp_engine_recognizers.stanza_recognizer",
        "TransformersRecognizer": f"{PREDEFINED}.nlp_engine_recognizers.transformers_recognizer",
    },
}

_lock = threading.RLock()
_pending: dict[str, Callable[[], None]] = {}  # package -> runs its deferred __init__


class _DeferredInit(importlib.abc.Loader):
    """Makes the package module without running its `__init__`; the first unknown name runs it."""

    def __init__(self, real: importlib.abc.Loader, names: dict[str, str]) -> None:
        self.real = real
        self.names = names

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        names, real, done = self.names, self.real, []

        def run_init() -> None:
            with _lock:
                if not done:
                    done.append(True)
                    module.__dict__.pop("__getattr__", None)
                    module.__spec__.loader = real
                    module.__loader__ = real
                    real.exec_module(module)

        def fill() -> None:
            # In the order the package's __init__ imports them: Presidio's modules import each
            # other in circles that only that order resolves.
            for name, source in names.items():
                if name not in module.__dict__:
                    module.__dict__[name] = getattr(importlib.import_module(source), name)

        def missing(attr: str) -> object:
            if attr in names:
                fill()
                return module.__dict__[attr]
            run_init()
            try:
                return module.__dict__[attr]
            except KeyError:
                raise AttributeError(f"module {module.__name__!r} has no attribute {attr!r}") from None

        module.__getattr__ = missing
        _pending[module.__name__] = run_init
        fill()  # now, whatever submodule is imported first ("from presidio_analyzer.nlp_engine import ...")


class _AfterExec(importlib.abc.Loader):
    """Runs the module as always, then `then(module)`."""

    def __init__(self, real: importlib.abc.Loader, then: Callable[[ModuleType], None]) -> None:
        self.real = real
        self.then = then

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.real.exec_module(module)
        module.__spec__.loader = self.real
        module.__loader__ = self.real
        self.then(module)


def complete(name: str = PREDEFINED) -> None:
    """Run the package's deferred `__init__` now (a no-op when it ran, or was never deferred)."""
    run_init = _pending.pop(name, None)
    if run_init is not None:
        run_init()


def _complete_before_subclass_search(utils: ModuleType) -> None:
    loader = utils.RecognizerListLoader
    search = loader.__dict__["get_all_existing_recognizers"].__func__

    def get_all_existing_recognizers(cls=None):  # Presidio's signature
        complete(PREDEFINED)
        return search(cls)

    get_all_existing_recognizers.__doc__ = search.__doc__
    loader.get_all_existing_recognizers = staticmethod(get_all_existing_recognizers)


def _spacy_info(*args, **kwargs):
    """spaCy's `spacy.info`: imports spaCy's CLI when called (see the module's docstring)."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


class _WithoutCli(importlib.abc.Loader):
    """Runs spaCy's `__init__` with a stand-in `spacy.cli.info`, then removes the stand-ins."""

    def __init__(self, real: importlib.abc.Loader) -> None:
        self.real = real

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__.loader = self.real
        module.__loader__ = self.real
        cli, info = ModuleType("spacy.cli"), ModuleType("spacy.cli.info")
        cli.__path__ = []  # any other CLI submodule asked for meanwhile fails loudly instead of half-loading
        cli.info, info.info = info, _spacy_info
        stand_ins = {"spacy.cli": cli, "spacy.cli.info": info}
        if any(name in sys.modules for name in stand_ins):
            self.real.exec_module(module)
            return
        sys.modules.update(stand_ins)
        try:
            self.real.exec_module(module)
        finally:
            for name, stand_in in stand_ins.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
            if module.__dict__.get("cli") is cli:
                del module.cli
        if "__getattr__" not in module.__dict__:
            module.__getattr__ = _spacy_getattr


def _spacy_getattr(name: str) -> object:
    """`spacy.cli` read as an attribute before anything imported it: import it now."""
    if name == "cli":
        return importlib.import_module("spacy.cli")
    raise AttributeError(f"module 'spacy' has no attribute {name!r}")


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path=None, target=None):
        if fullname == "spacy":
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is not None and spec.loader is not None:
                spec.loader = _WithoutCli(spec.loader)
            return spec
        if fullname not in _NAMES and fullname != LOADER_UTILS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        if fullname == LOADER_UTILS:
            spec.loader = _AfterExec(spec.loader, _complete_before_subclass_search)
        elif spec.submodule_search_locations is not None:
            spec.loader = _DeferredInit(spec.loader, _NAMES[fullname])
        return spec


_finder = _Finder()


def install() -> bool:
    """Defer the packages' `__init__` from now on; True if Presidio's was not imported yet."""
    with _lock:
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
        return "presidio_analyzer" not in sys.modules  # (and spaCy's: see `_WithoutCli`)
