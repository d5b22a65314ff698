"""@module Concurrency cap: at most N handlers run at once, later requests wait in arrival order, a full queue gets 429."""
import collections
import threading


class QueueFull(Exception):
    """Raised when the waiting queue has reached max_concurrency_queue."""


class ConcurrencyLimiter:
    """FIFO semaphore with a bounded waiting queue; max_concurrency 0 means unlimited."""

    def __init__(self, max_concurrency: int, max_queue: int):
        self.max_concurrency = max_concurrency
        self.max_queue = max_queue
        self.lock = threading.Lock()
        self.running = 0
        self.waiting = collections.deque()

    def __enter__(self):
        if self.max_concurrency <= 0:
            return self
        with self.lock:
            if self.running < self.max_concurrency and not self.waiting:
                self.running += 1
                return self
            if self.max_queue > 0 and len(self.waiting) >= self.max_queue:
                raise QueueFull(f'too many requests waiting in a queue (max_concurrency_queue={self.max_queue})')
            turn = threading.Event()
            self.waiting.append(turn)
        turn.wait()  # the releasing request hands its slot over directly, so order is kept
        return self

    def __exit__(self, *exc_info):
        if self.max_concurrency <= 0:
            return False
        with self.lock:
            if self.waiting:
                self.waiting.popleft().set()
            else:
                self.running -= 1
        return False
