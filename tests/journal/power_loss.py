"""A power loss on one machine, simulated at SQLite's own file layer.

`install(images)` registers, as SQLite's default VFS in this process, a shim over the unix
VFS (through ctypes, on the same libsqlite3 the sqlite3 module uses): every file SQLite
opens is passed through unchanged, except that each successful xSync (fsync) copies the
file as it then is to `images/<name>` (written beside and renamed, so a kill never leaves
half an image). After the writer is killed, the images are exactly what a disk that keeps
only fsynced data would hold: `recover(images, target)` puts them in place, and SQLite opens
them as it would after the power came back (the WAL is recovered from its own checksums;
the shared-memory index is rebuilt).

A file never synced while the shim ran keeps the content it had when first opened (the
writer starts on a database another process created and closed cleanly).

python tests/journal/power_loss.py DATA_DIR IMAGES CUSTOMER PAUSE_AFTER MARKER [THREADS]
    runs case_create under the shim, printing each acknowledged case id; after PAUSE_AFTER
    cases it touches MARKER and waits to be killed. With THREADS > 1, that many threads
    write with group commit on (journal/group_commit.py) and go on writing until the kill
    (a power loss in the middle of shared batches); MARKER waits for a batch of several.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import time
from pathlib import Path

_lib = ctypes.CDLL("libsqlite3.so.0")

c_int, c_void_p, c_char_p = ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p
_SYNC = ctypes.CFUNCTYPE(c_int, c_void_p, c_int)
_CLOSE = ctypes.CFUNCTYPE(c_int, c_void_p)
# The name stays a raw pointer: SQLite keeps it (the -wal and -shm names are made from it),
# so it must be SQLite's own memory, not a copy ctypes frees after the call.
_OPEN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, c_int, ctypes.POINTER(c_int))


class _Vfs(ctypes.Structure):
    _fields_ = [
        ("iVersion", c_int),
        ("szOsFile", c_int),
        ("mxPathname", c_int),
        ("pNext", c_void_p),
        ("zName", c_char_p),
        ("pAppData", c_void_p),
        ("xOpen", c_void_p),
        # The rest are passed through as they are.
        *[(f"x{i}", c_void_p) for i in range(16)],
    ]


class _IoMethods(ctypes.Structure):
    _fields_ = [
        ("iVersion", c_int),
        ("xClose", c_void_p),
        ("xRead", c_void_p),
        ("xWrite", c_void_p),
        ("xTruncate", c_void_p),
        ("xSync", c_void_p),
        *[(f"x{i}", c_void_p) for i in range(13)],
    ]


class _File(ctypes.Structure):
    _fields_ = [("pMethods", ctypes.POINTER(_IoMethods))]


_lib.sqlite3_vfs_find.restype = ctypes.POINTER(_Vfs)
_lib.sqlite3_vfs_find.argtypes = [c_char_p]
_lib.sqlite3_vfs_register.argtypes = [ctypes.POINTER(_Vfs), c_int]

_keep: list = []  # everything ctypes must not free while SQLite holds pointers to it


def _snapshot(path: str, images: Path) -> None:
    target = images / Path(path).name
    tmp = target.with_name(target.name + ".tmp")
    try:
        shutil.copyfile(path, tmp)
    except FileNotFoundError:
        return
    os.replace(tmp, target)


def install(images: Path) -> None:
    images.mkdir(parents=True, exist_ok=True)
    unix = _lib.sqlite3_vfs_find(None).contents
    shim = _Vfs()
    ctypes.pointer(shim)[0] = unix  # a copy: every method the unix VFS's own
    shim.zName = b"powerloss"
    shim.pNext = None
    inner_open = _OPEN(unix.xOpen)
    paths: dict[int, str] = {}
    methods: dict[int, _IoMethods] = {}

    def x_open(vfs, name, file, flags, out_flags):
        rc = inner_open(ctypes.addressof(unix), name, file, flags, out_flags)
        if rc != 0 or not name or not file:
            return rc
        path = ctypes.string_at(name).decode()
        paths[file] = path
        image = images / Path(path).name
        if not image.exists():
            _snapshot(path, images)  # as the clean setup left it
        handle = ctypes.cast(file, ctypes.POINTER(_File)).contents
        original = handle.pMethods.contents
        key = ctypes.addressof(original)
        if key not in methods:
            ours = _IoMethods()
            ctypes.pointer(ours)[0] = original
            inner_sync = _SYNC(original.xSync)
            inner_close = _CLOSE(original.xClose)

            def x_sync(f, flags, inner_sync=inner_sync):
                result = inner_sync(f, flags)
                if result == 0 and f in paths:
                    _snapshot(paths[f], images)
                return result

            def x_close(f, inner_close=inner_close):
                paths.pop(f, None)
                return inner_close(f)

            sync_cb, close_cb = _SYNC(x_sync), _CLOSE(x_close)
            ours.xSync = ctypes.cast(sync_cb, c_void_p)
            ours.xClose = ctypes.cast(close_cb, c_void_p)
            _keep.extend([ours, sync_cb, close_cb, inner_sync, inner_close])
            methods[key] = ours
        handle.pMethods = ctypes.pointer(methods[key])
        return rc

    open_cb = _OPEN(x_open)
    shim.xOpen = ctypes.cast(open_cb, c_void_p)
    _keep.extend([shim, open_cb, inner_open, unix])
    if _lib.sqlite3_vfs_register(ctypes.byref(shim), 1) != 0:
        raise RuntimeError("could not register the power-loss VFS")


def recover(images: Path, directory: Path) -> None:
    """The data directory as the disk holds it after the power came back."""
    for image in images.iterdir():
        if image.name.endswith(".tmp"):
            continue
        shutil.copyfile(image, directory / image.name)
    for name in ("caseledger.sqlite3-shm",):  # rebuilt from the WAL on open
        (directory / name).unlink(missing_ok=True)


def main() -> None:
    data_dir, images, customer, pause_after, marker = sys.argv[1:6]
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    os.environ["CASELEDGER_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseledger.settings.production")
    os.environ["CASELEDGER_CHECKPOINT_ON_WRITES"] = "0"
    install(Path(images))
    import threading

    import django

    django.setup()
    from caseledger.accounts.models import User
    from caseledger.cases.services import case_create
    from caseledger.journal import group_commit

    # With THREADS > 1 the writers run as a server's threads do: sharing commits.
    group_commit.enable(threads > 1)
    actor = User.objects.get(username="writer-a")
    acknowledged = [0]
    printing = threading.Lock()

    def write(name: str) -> None:
        for n in range(1, 10_000):
            case = case_create(
                actor=actor,
                data={
                    "kind": "complaint",
                    "channel": "api",
                    "category": "service",
                    "subject": f"acknowledged {name}#{n}",
                    "department": "sales",
                    "customer": customer,
                },
            )
            with printing:
                print(case.pk, flush=True)  # acknowledged: the commit returned
                acknowledged[0] += 1
                # Paused (and so killed) only once commits were shared, if they can be.
                shared = (
                    threads == 1 or group_commit.stats["writers"] > group_commit.stats["batches"]
                )
                if acknowledged[0] >= int(pause_after) and shared:
                    Path(marker).touch()
            if Path(marker).exists() and threads == 1:
                time.sleep(3600)

    workers = [threading.Thread(target=write, args=(f"t{i}",)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
