"""A connector process per run, without paying Python's start-up and airbyte-cdk's imports every time.

`python main.py read ...` spends about 1.2 s of CPU before it sends its first request: importing airbyte-cdk (its
protocol serialisers alone take half a second) and source_twilio. The end-to-end tests run the connector a few
hundred times, so on a 2-core machine that start-up was a third of the suite's time. This server is started once
per test process (`python -m integration_tests.forkserver`, a fresh interpreter that never runs a sync itself), imports
what main.py imports, and then forks one child per run: the child sets the run's environment, working directory,
argv and output files, and calls the same `source_twilio.run.run()` main.py calls. Each run is still its own process
with the connector's module state as a fresh import leaves it; only the imports are shared.

Protocol, one JSON line each way: {"args": [...], "env": {...}, "cwd": "...", "stdout": path, "stderr": path} ->
{"pid": N}, and once that child has ended {"pid": N, "returncode": R} (a negative R: killed by signal -R).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback

import source_twilio.run  # noqa: F401  (the import every run would otherwise pay)


def _child(job: dict) -> None:
    code = 1
    try:
        for stream, path in ((1, job["stdout"]), (2, job["stderr"])):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, stream)
            os.close(fd)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
        sys.stdin = open(os.devnull, encoding="utf-8")
        os.environ.clear()
        os.environ.update(job["env"])
        os.chdir(job["cwd"])
        sys.argv = job["args"]
        code = 0
        source_twilio.run.run()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # as the interpreter would: the traceback on stderr, exit status 1
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main() -> None:
    lock = threading.Lock()
    out = sys.stdout

    def answer(message: dict) -> None:
        with lock:
            out.write(json.dumps(message) + "\n")
            out.flush()

    def reap(pid: int) -> None:
        _, status = os.waitpid(pid, 0)
        answer({"pid": pid, "returncode": os.waitstatus_to_exitcode(status)})

    for line in sys.stdin:
        job = json.loads(line)
        out.flush()
        pid = os.fork()
        if pid == 0:
            _child(job)
        answer({"pid": pid})
        threading.Thread(target=reap, args=(pid,), daemon=True).start()


if __name__ == "__main__":
    main()
