"""A forked worker that uses its master's objects keeps sharing their memory when the master
marked them immortal first (forum/immortal_heap.py), and nothing changes where it cannot."""
import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forum import immortal_heap

MODULE = Path(immortal_heap.__file__)

# Builds 400,000 objects (about 40 MB) in a master, marks the heap immortal or not (argv[2]),
# forks, and has the child use every object once: prints the child's new unique memory in MiB.
FORK_SCRIPT = r"""
import gc, importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location("immortal_heap", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)

def unique_kib():
    fields = dict(line.split(":", 1) for line in open("/proc/self/smaps_rollup") if ":" in line)
    return sum(int(fields[name].split()[0]) for name in ("Private_Clean", "Private_Dirty"))

data = [("reply %d" % number, [number, float(number)]) for number in range(400_000)]
gc.collect()
if sys.argv[2] == "freeze, then mark":
    gc.freeze()  # as a host's own start-up might have done
marked = module.immortalize_heap() if sys.argv[2] != "plain" else 0
gc.freeze()
read, write = os.pipe()
child = os.fork()
if child == 0:
    before = unique_kib()
    total = 0
    for text, numbers in data:
        held = (text, numbers, numbers[0], numbers[1])
        total += len(held[0])
    os.write(write, str((unique_kib() - before) / 1024).encode())
    os._exit(0)
os.waitpid(child, 0)
print(json.dumps({"marked": marked, "copied_mib": float(os.read(read, 100))}))
"""


NEW_ENOUGH = "import sys; print(sys.version_info >= (3, 12))"


def newer_python():
    """A Python 3.12+ on this machine (this one, one on PATH, or pyenv's), or None."""
    candidates = [sys.executable, "python3.14", "python3.13", "python3.12",
                  *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")),
                          reverse=True)]
    for candidate in candidates:
        try:
            answer = subprocess.run([candidate, "-c", NEW_ENOUGH], capture_output=True,
                                    text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if answer.returncode == 0 and answer.stdout.strip() == "True":
            return candidate
    return None


def fork_and_use(python, mode):
    """Run FORK_SCRIPT under python; its result as a dict."""
    result = subprocess.run([python, "-c", FORK_SCRIPT, str(MODULE), mode],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/smaps_rollup")
def test_a_child_using_the_masters_objects_shares_them_once_they_are_immortal():
    python = newer_python()
    if python is None:
        pytest.skip("no Python 3.12 or newer on this machine")
    counted = fork_and_use(python, "plain")
    marked = fork_and_use(python, "mark")
    assert counted["copied_mib"] > 20, counted  # counting references copies their pages
    assert marked["marked"] > 1_200_000, marked  # every tuple, list, string, int and float
    assert marked["copied_mib"] < counted["copied_mib"] / 5, (counted, marked)
    frozen_first = fork_and_use(python, "freeze, then mark")
    assert frozen_first["marked"] > 1_200_000, frozen_first  # frozen objects are marked too
    assert frozen_first["copied_mib"] < counted["copied_mib"] / 5, (counted, frozen_first)


def test_an_interpreter_without_immortal_objects_is_left_alone():
    if immortal_heap.supported():
        pytest.skip("this interpreter has immortal objects (the test above covers it)")
    kept = object()
    before = sys.getrefcount(kept)
    assert immortal_heap.immortalize_heap() == 0
    held = [kept] * 3
    assert sys.getrefcount(kept) == before + 3  # still counted: nothing was marked
    del held
