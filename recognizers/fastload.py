"""Derived data (word sets, lookup tables) kept in a fast-loading form between processes.

Building the Dutch word sets from spacy-lookups-data and compiling the special-data lexicon
into its automaton each take most of a second at every start; the built data loads from a file
in a tenth of that. A cache file is named by a hash of everything it was built from (its name,
a schema number, the Python version and the bytes of its source files, the building module's
own source among them), so a changed data file, rule or package upgrade simply builds a new one.

Where it is looked for, first hit wins:
1. `recognizers/data/cache/` in the package: written by `python -m recognizers.fastload` at
   install or image-build time, read-only afterwards;
2. the user cache directory: `$VERZENDCHECK_CACHE`, else `$XDG_CACHE_HOME/verzendcheck`, else
   `~/.cache/verzendcheck`; a process that had to build the data writes it there.
Nothing found, or nothing writable (a read-only install and home): the data is built in
memory, as before. `VERZENDCHECK_CACHE=off` turns the cache off. Plain data (str, dict,
frozenset, tuple) is kept with `marshal` or as "plain" (pickle's format read by an unpickler that
refuses every class: faster to load, and it never runs code either); objects (the lexicon with its
Aho-Corasick automaton) with `pickle`, so the cache directory must be as trusted as the
installed package: the user's own, created by the process itself.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import marshal
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = 1
PACKAGE_CACHE = Path(__file__).resolve().parent / "data" / "cache"
log = logging.getLogger(__name__)


def user_cache_dir() -> Path | None:
    """The writable cache directory of this user, or None when the cache is off."""
    setting = os.environ.get("VERZENDCHECK_CACHE")
    if setting:
        return None if setting.lower() == "off" else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "verzendcheck"


def cache_key(name: str, sources: Iterable[Path]) -> str:
    """A hash of what the data is built from: name, schema, Python version, the sources' bytes."""
    digest = hashlib.sha256(f"{name}\0{SCHEMA}\0{sys.version_info[:2]}\0{marshal.version}".encode())
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


class _PlainUnpickler(pickle.Unpickler):
    """Reads pickles of plain data only: any class or function named in the stream is refused,
    so loading never runs code (as with marshal)."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"plain data only, not {module}.{name}")


class _Plain:
    """Plain data (str, int, dict, list, tuple, set, frozenset) in pickle's format, read without
    running code: it loads in about 0.6x marshal's time (the 213k-form Dutch lemma table 0.15 s
    against 0.25 s: pickle remembers each string once as marshal does, and builds containers faster)."""

    @staticmethod
    def dumps(data: Any) -> bytes:
        return pickle.dumps(data, protocol=5)

    @staticmethod
    def loads(blob: bytes) -> Any:
        return _PlainUnpickler(io.BytesIO(blob)).load()


SERIALIZERS = {"marshal": marshal, "plain": _Plain, "pickle": pickle}


def _read(path: Path, serializer: str) -> Any | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return SERIALIZERS[serializer].loads(data)
    except Exception as exc:  # a damaged file: built again, never fatal
        log.debug("cache file unreadable (%s): built again", type(exc).__name__)
        return None


def _write(directory: Path, filename: str, data: Any, serializer: str) -> bool:
    try:
        blob = SERIALIZERS[serializer].dumps(data)
        directory.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed: a process reading at the same time sees
        # the whole file or none.
        with tempfile.NamedTemporaryFile(dir=directory, prefix=f".{filename}.", delete=False) as tmp:
            tmp.write(blob)
        os.chmod(tmp.name, 0o644)  # derived from public data; a package cache must be readable by all
        os.replace(tmp.name, directory / filename)
        return True
    except (OSError, ValueError, pickle.PicklingError) as exc:
        log.debug("cache not written (%s): built in memory", type(exc).__name__)
        return False


def _filename(name: str, sources: Iterable[Path], serializer: str) -> str:
    return f"{name}-{cache_key(name, sources)}.{serializer}"


def cached(name: str, sources: Iterable[Path], build: Callable[[], Any], *, serializer: str = "marshal") -> Any:
    """`build()`, or the same data from a cache file made from the same `sources`.

    With "marshal" or "plain", `build` must return plain data (str, int, dict, list, tuple, frozenset).
    """
    with paused_gc(freeze=True):  # data kept for the life of the process
        return _cached(name, sources, build, serializer)


def _cached(name: str, sources: Iterable[Path], build: Callable[[], Any], serializer: str) -> Any:
    user = user_cache_dir()
    if user is None:  # VERZENDCHECK_CACHE=off
        return build()
    filename = _filename(name, sources, serializer)
    for directory in (PACKAGE_CACHE, user):
        if (data := _read(directory / filename, serializer)) is not None:
            return data
    data = build()
    _write(user, filename, data, serializer)
    return data


def registered() -> list[tuple[str, Callable[[], list[Path]], Callable[[], Any], str]]:
    """Every cached data set: (name, sources, build, serializer)."""
    from recognizers import lemmas, lexicon

    return [*lemmas.CACHED, *lexicon.CACHED]


def prebuild(directory: Path = PACKAGE_CACHE) -> list[Path]:
    """Build every cached data set into `directory` (the package's own cache, at install time)."""
    written = []
    for name, sources, build, serializer in registered():
        filename = _filename(name, sources(), serializer)
        if _write(directory, filename, build(), serializer):
            written.append(directory / filename)
    return written


if __name__ == "__main__":
    for path in prebuild(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGE_CACHE):
        print(path)


@contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Run a start-up phase without the cyclic garbage collector.

    Importing spaCy and Presidio and building the pipeline and word sets allocate millions of
    objects that live as long as the process: the collector, triggered by the allocations alone,
    ran ~380 times at every `verzendcheck scan` start (two full passes over the whole heap among
    them) for about 0.12 s of a 1.5 s start, and found nothing to free. With `freeze`, what exists
    afterwards (the models) moves to the permanent generation: later full collections no longer
    walk it. Paused by a zero threshold, not `gc.disable()`: srsly, which reads the model, turns
    the collector on again after every read.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(0)
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        gc.set_threshold(*thresholds)
