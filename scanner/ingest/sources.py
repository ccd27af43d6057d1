"""Where messages come from: one file, an mbox, a Maildir, a folder. Streamed, one message at a time.

`iter_source(path)` yields RawMessage objects (a stable key, a display name, the raw bytes) and
never holds more than one message in memory. `scan` and `audit` both read through it; `audit`
adds IMAP. A message that cannot be read is still yielded, with `error` set, so that it is
reported instead of silently skipped.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.ingest.limits import DEFAULT_LIMITS, Limits

MAIL_EXTENSIONS = {".eml", ".msg"}
MBOX_EXTENSIONS = {".mbox", ".mbx", ""}
SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class RawMessage:
    """One message as read from a source; `key` is stable across runs (for resuming an audit)."""

    key: str  # "sent.mbox#12" (1-based), "maildir:cur/1700000000.M1P2.host:2,S", "folder/sub/x.eml"
    name: str  # what reports show as the input (a path, or path#N inside an mbox)
    data: bytes = b""
    error: str | None = None  # Dutch, no personal data: why this message could not be read


def source_kind(path: Path) -> str:
    """'maildir', 'folder', 'mbox', 'file' or 'missing'."""
    if path.is_dir():
        return "maildir" if is_maildir(path) else "folder"
    if not path.is_file():
        return "missing"
    return "mbox" if is_mbox(path) else "file"


def is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def is_mbox(path: Path) -> bool:
    """An mbox starts with a 'From ' separator line. A lone .eml saved with one (some clients do)
    counts as an mbox only when it holds more than one message or is named like one."""
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
            if head != b"From ":
                return False
            if path.suffix.lower() in MBOX_EXTENSIONS:
                return True
            fh.readline()
            return any(line.startswith(b"From ") for line in fh)
    except OSError:
        return False


def iter_source(path: Path, *, documents: bool = True, limits: Limits = DEFAULT_LIMITS) -> Iterator[RawMessage]:
    """Every message of `path`: the file itself, each message of an mbox or Maildir, or every file
    below a folder (recursively, sorted; with `documents=False` only .eml/.msg files)."""
    kind = source_kind(path)
    if kind == "mbox":
        yield from iter_mbox(path, limits=limits)
    elif kind == "maildir":
        yield from iter_maildir(path, limits=limits)
    elif kind == "folder":
        yield from iter_folder(path, documents=documents, limits=limits)
    elif kind == "file":
        yield read_file(path, str(path), str(path), limits)
    else:
        yield RawMessage(key=str(path), name=str(path), error="bestand of map niet gevonden")


def read_file(path: Path, key: str, name: str, limits: Limits = DEFAULT_LIMITS) -> RawMessage:
    try:
        size = path.stat().st_size
        if size > limits.max_message_bytes:
            return RawMessage(key, name, error=f"bestand is te groot om te controleren ({size // (1024 * 1024)} MB)")
        return RawMessage(key, name, path.read_bytes())
    except OSError:
        return RawMessage(key, name, error="bestand kon niet worden gelezen")


def iter_mbox(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[RawMessage]:
    """Each message of an mbox file, in order. Python's mailbox indexes the separators once
    (offsets only) and reads each message when asked."""
    box = mailbox.mbox(str(path), create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            name = f"{path}#{number}"
            try:
                start, stop = box._toc[key]  # the byte range, to refuse a huge message before reading it
                if stop - start > limits.max_message_bytes:
                    yield RawMessage(name, name, error="bericht is te groot om te controleren")
                    continue
                yield RawMessage(name, name, box.get_bytes(key, from_=False))
            except Exception:  # a message whose range cannot be read; the rest of the box still is
                yield RawMessage(name, name, error="bericht in de mailbox kon niet worden gelezen")
    finally:
        box.close()


def iter_maildir(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[RawMessage]:
    """Each message of a Maildir (new and cur) and of its subfolders (Maildir++ `.Sent`, or nested as in
    Dovecot's LAYOUT=fs and notmuch), sorted by file name."""
    for folder in maildir_folders(path):
        for sub in ("new", "cur"):
            directory = folder / sub
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                continue
            for file_name in names:
                if file_name.startswith("."):
                    continue
                file = directory / file_name
                rel = file.relative_to(path).as_posix()
                yield read_file(file, f"maildir:{rel}", str(file), limits)


def maildir_folders(path: Path) -> Iterator[Path]:
    """`path` and every Maildir below it, depth first, sorted; symlinks are not followed."""
    yield path
    try:
        children = sorted(path.iterdir())
    except OSError:
        return
    for child in children:
        if child.name not in ("new", "cur", "tmp") and not child.is_symlink() and is_maildir(child):
            yield from maildir_folders(child)


def iter_folder(path: Path, *, documents: bool = True, limits: Limits = DEFAULT_LIMITS) -> Iterator[RawMessage]:
    """Every file below `path` (sorted, recursive, hidden files and symlinks left out); an mbox or
    a Maildir inside the folder is read as its messages."""
    for root, dirs, files in os.walk(path, followlinks=False):
        root_path = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if root_path != path and is_maildir(root_path):
            yield from iter_maildir(root_path, limits=limits)
            dirs[:] = []
            continue
        for file_name in sorted(files):
            file = root_path / file_name
            if file_name.startswith(".") or file_name in SKIPPED_NAMES or file.is_symlink():
                continue
            if is_mbox(file):
                yield from iter_mbox(file, limits=limits)
            elif documents or file.suffix.lower() in MAIL_EXTENSIONS:
                yield read_file(file, file.relative_to(path).as_posix(), str(file), limits)


def count_source(path: Path, *, documents: bool = True) -> int:
    """About how many messages `iter_source(path)` yields, without reading them: for a progress
    bar's ETA. Exact for an mbox (its separators are counted) and a plain Maildir or folder."""
    kind = source_kind(path)
    if kind == "mbox":
        return count_mbox(path)
    if kind in ("file", "missing"):
        return 1
    total = 0
    for root, dirs, files in os.walk(path, followlinks=False):
        root_path = Path(root)
        in_maildir = root_path.name in ("new", "cur") and is_maildir(root_path.parent)
        dirs[:] = [d for d in dirs if d != "tmp" and (not d.startswith(".") or is_maildir(root_path / d))]
        for file_name in files:
            file = root_path / file_name
            if file_name.startswith(".") or file_name in SKIPPED_NAMES or file.is_symlink():
                continue
            if not in_maildir and is_mbox(file):
                total += count_mbox(file)
            elif in_maildir or documents or file.suffix.lower() in MAIL_EXTENSIONS:
                total += 1
    return total


def count_mbox(path: Path) -> int:
    box = mailbox.mbox(str(path), create=False)
    try:
        return len(box)
    finally:
        box.close()
