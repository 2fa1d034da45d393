"""Make every object of a pre-forking server's master immortal before its workers fork, so
that their reference counting stops copying the pages those objects share (Python 3.12+).

A forked worker shares the master's memory until it writes to a page. Python writes the
reference count of every object a request uses, so each page holding one of them is copied
into the worker: about 30 MiB of a worker's unique memory after one 200-contribution page,
whatever `gc.freeze()` does (that only keeps the collector's own writes away). Since Python
3.12 an object whose count is at the immortal mark is never counted or freed (PEP 683), which
is what CPython's interpreter does for None, small ints and interned strings; the PEP names
this pre-fork use as its motivation but CPython has no public call to mark an object, and no
maintained package does it, hence these few lines. They write the mark only where they are
sure of the layout: CPython 3.12 or newer, 64-bit, little-endian, a build with the GIL, and
after a probe object has shown that a marked object's count no longer moves. Anywhere else
`immortalize_heap` does nothing and says so.

What a marked object gives up: it is never freed, so the master must not hold garbage or a
resource that has to be closed by being dropped when this runs (gunicorn.conf.py collects
first, and each worker disposes of the database pool it inherited without closing it).
"""
import ctypes
import gc
import platform
import sys
import sysconfig
import types

IMMORTAL_MARK = 0xFFFFFFFF  # the low 32 bits of a 64-bit count, as CPython's immortal objects
CODE_PARTS = ("co_consts", "co_names", "co_varnames", "co_freevars", "co_cellvars",
              "co_filename", "co_name", "co_qualname", "co_linetable", "co_exceptiontable")


def supported():
    """Whether this interpreter's objects can be marked immortal safely (see the module)."""
    return (platform.python_implementation() == "CPython" and sys.version_info >= (3, 12)
            and sys.maxsize > 2**32 and sys.byteorder == "little"
            and not sysconfig.get_config_var("Py_GIL_DISABLED") and _probe_holds())


def _mark(obj):
    """Write the immortal mark into obj's reference count (its first 32 bits)."""
    ctypes.c_uint32.from_address(id(obj)).value = IMMORTAL_MARK


def _probe_holds():
    """Mark a fresh object and check that new references no longer change its count (only
    called where the layout is known: supported())."""
    probe = object()
    _mark(probe)
    before = sys.getrefcount(probe)
    held = [probe] * 8
    after = sys.getrefcount(probe)
    del held
    return before == after == sys.getrefcount(probe)


def immortalize_heap():
    """Mark every object reachable from the collector's objects immortal; return how many
    (0 where `supported()` is false). Call it in the master after a collection and before
    `gc.freeze()`: about 2 s for the standalone site's 800,000 objects. Objects frozen earlier
    are unfrozen first (the collector hides them otherwise), so freeze again after."""
    if not supported():
        return 0
    gc.unfreeze()
    roots = gc.get_objects()
    seen, stack = set(), list(roots)
    own = {id(roots), id(seen), id(stack)}  # this walk's own lists stay mortal
    count = 0
    while stack:
        obj = stack.pop()
        key = id(obj)
        if key in seen or key in own:
            continue
        seen.add(key)
        if type(obj) is types.FrameType:
            continue  # running frames hold this walk's lists; they die with the call
        _mark(obj)
        count += 1
        stack.extend(gc.get_referents(obj))
        if type(obj) is types.CodeType:  # code objects are not tracked: walk their parts
            stack.extend(getattr(obj, name) for name in CODE_PARTS)
    return count
