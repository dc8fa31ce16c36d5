"""Run jobs in worker processes: one job in hand per worker, a dead worker replaced, a stop ending every worker."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
ATTEMPTS = 2  # a job whose worker dies is given to a fresh worker once more before it counts as the cause
_KILL_SECONDS = 5.0  # a worker still alive this long after terminate() (it ignores SIGTERM) is killed


def run_in_workers(work: Callable[[J], R], jobs: Sequence[J], workers: int, grace: float,
                   crashed: Callable[[J], R]) -> Generator[tuple[J, R], None, None]:
    """Yield ``(job, work(job))`` for every job as it completes, computed in up to ``workers`` processes.

    Each worker holds one job at a time, so a worker that dies (a crash in C code, the out-of-memory
    killer) died on that job: it goes to a fresh worker once more, then ``(job, crashed(job))`` is
    yielded, and the other jobs go on. While this runs in the main thread, SIGTERM and SIGHUP raise
    SystemExit (as Ctrl-C raises KeyboardInterrupt); the previous handlers come back afterwards.
    However it ends (done, closed, interrupted), the workers may finish the job in hand for up to
    ``grace`` seconds and are then terminated: none outlives the call. ``work`` must not raise and,
    with the jobs and results, must pickle (workers may be spawned rather than forked).
    """
    context = multiprocessing.get_context()
    queue: deque[tuple[J, int]] = deque((job, 1) for job in jobs)  # (job, attempt)
    running: list[_Worker[J]] = []
    retired: list[_Worker[J]] = []
    with _exit_on_stop_signals():  # before the first fork: a worker must never inherit the default action
        try:
            while queue or running:
                while queue and len(running) < workers:
                    running.append(_start(context, work, queue.popleft()))
                ready = wait([w.conn for w in running] + [w.process.sentinel for w in running])
                for worker in [w for w in running if w.conn in ready or w.process.sentinel in ready]:
                    job, attempt = worker.task
                    answer = worker.receive()
                    if answer is not None:
                        yield job, answer[0]
                        if queue:
                            worker.give(queue.popleft())
                            continue
                    elif attempt < ATTEMPTS:  # it died on this job: once more, in a fresh worker
                        queue.append((job, attempt + 1))
                    else:
                        yield job, crashed(job)
                    running.remove(worker)  # no job left for it, or it died: a new one starts if work remains
                    if answer is None:
                        worker.release()  # reap the dead at once: a long batch of crashes must not pile up
                    else:
                        retired.append(worker.stop())
        finally:
            _shut_down(running + retired, grace)


@dataclass
class _Worker(Generic[J]):
    """A worker process, the batch's end of its pipe, and the job in hand with its attempt number."""

    process: BaseProcess
    conn: Connection
    task: tuple[J, int]

    def give(self, task: tuple[J, int]) -> None:
        """Hand the worker its next job."""
        self.task = task
        with contextlib.suppress(OSError):  # a worker that is gone is found by its sentinel, the job in hand
            self.conn.send(task[0])

    def receive(self) -> tuple[Any] | None:
        """Return ``(result,)`` of the job in hand, or None when the worker ended without one."""
        try:
            if self.conn.poll():
                return (self.conn.recv(),)
        except (EOFError, OSError):
            pass
        return None

    def stop(self) -> _Worker[J]:
        """Tell the worker to end once its job in hand is done (it may be gone already)."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        return self

    def release(self) -> None:
        """Wait for the worker to end (killing it if it ignores termination) and free its pipe and process."""
        self.process.join(_KILL_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.process.close()
        self.conn.close()


def _start(context: Any, work: Callable[[J], Any], task: tuple[J, int]) -> _Worker[J]:
    here, there = context.Pipe()
    process = context.Process(target=_serve, args=(there, work), name="coursereview-batch-worker", daemon=True)
    process.start()
    there.close()  # the worker holds the only copy of its end: its death reads as end of file here
    worker = _Worker(process, here, task)
    worker.give(task)  # the same job, now sent
    return worker


def _serve(conn: Connection, work: Callable[[Any], Any]) -> None:
    """In a worker: do the jobs sent one at a time until told to stop (None) or the batch process is gone."""
    parent = multiprocessing.parent_process()
    watched: list[Connection | int] = [conn] if parent is None else [conn, parent.sentinel]
    try:
        _default_stop_signals()
        while conn in wait(watched):  # else the batch died (SIGKILL): do not outlive it
            job = conn.recv()
            if job is None:
                return
            result = work(job)
            conn.send(result)
    except (EOFError, OSError):  # the batch closed its end
        return
    except KeyboardInterrupt:  # Ctrl-C reached the whole process group; the batch reports it
        return


def _default_stop_signals() -> None:
    """In a worker: let SIGTERM and SIGHUP end it at once, even inside a long C call (no inherited handler);
    a signal the batch ignores (SIGHUP under nohup) stays ignored."""
    for sig in STOP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, signal.SIG_DFL)


def _shut_down(workers: list[_Worker[Any]], grace: float) -> None:
    """Tell every worker to stop and wait for it; terminate those still busy after ``grace`` seconds (and kill
    those that ignore that), so that no worker outlives the batch."""
    for worker in workers:
        worker.stop()
    try:
        deadline = time.monotonic() + grace
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
    finally:  # also when a second Ctrl-C cuts the grace time short
        for worker in workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in workers:
            worker.release()


@contextlib.contextmanager
def _exit_on_stop_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit while the block runs (as Ctrl-C raises KeyboardInterrupt).

    Killed by the default action, the batch would leave its worker processes running; an exception
    lets the pool end them, and the manifest keep the work already done.
    The previous handlers are restored afterwards. Signal handlers can only be set in the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    batch_pid = os.getpid()
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        if os.getpid() != batch_pid:  # a forked worker inherited this handler: end as by default
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if not stopping:  # a second signal must not interrupt the cleanup the first one started
            stopping = True
            raise SystemExit(128 + signum)

    ignored = [sig for sig in STOP_SIGNALS if signal.getsignal(sig) is signal.SIG_IGN]  # e.g. SIGHUP under nohup
    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS if sig not in ignored}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
