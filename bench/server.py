"""The server under test: gunicorn on 127.0.0.1 (a free port), its workers' memory, shutdown."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    """A TCP port on the loopback interface that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


MEMORY_FIELDS = ("VmRSS", "VmHWM", "Pss", "Private_Clean", "Private_Dirty")


class Gunicorn:
    """Starts `gunicorn bench.app:create_app()` and stops it again (a context manager)."""

    def __init__(self, env, workers=2, worker_class="sync", threads=1, log_path=None):
        self.env = env
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process = None

    def command(self):
        """The gunicorn command line (production-like: no reload, no debug)."""
        return [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers), "--worker-class", self.worker_class,
                "--threads", str(self.threads), "--backlog", "256", "--timeout", "60",
                "--log-level", "warning", "--chdir", str(ROOT),
                "--config", str(ROOT / "gunicorn.conf.py"), "bench.app:create_app()"]

    def __enter__(self):
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("FORUM_", "BENCH_"))}
        env.update(self.env, PYTHONPATH=str(ROOT))
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command(), env=env, stdout=log, stderr=log,
                                        start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)  # never leave a half-started server behind
            raise
        return self

    def _wait_ready(self, timeout=120):
        """Poll the hello endpoint until every worker has booted (or fail with the log)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base_url + "/_bench/hello", timeout=5):
                    pass
                if len(self.worker_pids()) >= self.workers:
                    return
            except OSError:  # refused, reset or timed out while workers boot
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not become ready in time")

    def worker_pids(self):
        """Process ids of the master's worker children."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def worker_memory(self):
        """Each worker's memory in MB: resident (RSS, and its peak), proportional (PSS: shared
        pages split between the processes sharing them) and unique (USS: pages no other process
        has, what one more worker costs), from /proc/<pid>/status and smaps_rollup."""
        result = []
        for pid in self.worker_pids():
            fields = {}
            try:
                for name in ("status", "smaps_rollup"):
                    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                        key, _, value = line.partition(":")
                        if key in MEMORY_FIELDS and value.strip().endswith("kB"):
                            fields[key] = int(value.split()[0]) / 1024
            except OSError:
                continue
            unique = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
            result.append({"pid": pid, "rss_mb": round(fields.get("VmRSS", 0), 1),
                           "peak_rss_mb": round(fields.get("VmHWM", 0), 1),
                           "pss_mb": round(fields.get("Pss", 0), 1),
                           "uss_mb": round(unique, 1)})
        return result

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return False
