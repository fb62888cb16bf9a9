"""One pool of senders for a whole dispatch run, kept full as sends finish.

Each sender thread keeps its own gateway client, so its connection to the provider is opened once and
reused for the run. A 429 ("Too Many Requests") from the provider pauses every sender (an exponential
back-off shared by the pool, as Twilio asks of clients that exceed its concurrency limit) and the text is
tried again; after `throttle_retries` it goes back to the queue as pending, never failed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from tracker.sms.gateways import SendResult, SmsGateway

Fence = Callable[[], None]
Claimed = tuple[int, str, str]  # message id, to, body


class Throttle:
    """A pause shared by every sender after a 429: 1 s, doubling while 429s keep coming, up to a cap."""

    def __init__(self, first: float = 1.0, cap: float = 30.0) -> None:
        self._first, self._cap = first, cap
        self._lock = threading.Lock()
        self._until = 0.0  # time.monotonic(): a duration, not a reading of the date
        self._next = first

    def throttled(self) -> None:
        """A 429 came back: hold every sender for the next back-off."""
        with self._lock:
            self._until = max(self._until, time.monotonic() + self._next)
            self._next = min(self._next * 2, self._cap)

    def accepted(self) -> None:
        """A text went through: the next 429 starts the back-off again from its first step."""
        with self._lock:
            self._next = self._first

    def wait(self) -> None:
        """Sleep until the current pause, if any, is over."""
        while (left := self._until - time.monotonic()) > 0:
            time.sleep(left)


class Senders:
    """A thread pool of `concurrency` senders for one run; submit texts, collect answers as they come."""

    def __init__(
        self, gateway: SmsGateway, concurrency: int, fence: Fence | None, throttle_retries: int = 3
    ) -> None:
        self._gateway, self._fence, self._retries = gateway, fence, throttle_retries
        self._pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="sms-sender")
        self._throttle = Throttle()
        self.in_flight: dict[Future[SendResult], int] = {}

    def __enter__(self) -> Senders:
        return self

    def __exit__(self, *exc: object) -> None:
        # On an error (a lost lease, say) texts not yet handed to the provider are dropped: their rows stay
        # "sending" and are reconciled by the next run, never sent blind.
        self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)

    def submit(self, claimed: list[Claimed]) -> None:
        """Queue these texts behind those in flight."""
        for message_id, to, body in claimed:
            self.in_flight[self._pool.submit(self._send, to, body)] = message_id

    def finished(self, gather: float = 0.05) -> list[tuple[int, SendResult]]:
        """Wait for a send to finish, then `gather` seconds for others; their answers, by message id.

        Answers are written a group at a time: one transaction for the few that finish together costs
        the pool less of the interpreter than one each."""
        wait(self.in_flight, return_when=FIRST_COMPLETED)
        done, _ = wait(self.in_flight, timeout=gather, return_when=ALL_COMPLETED)
        return [(self.in_flight.pop(future), future.result()) for future in done]

    def _send(self, to: str, body: str) -> SendResult:
        for _ in range(self._retries + 1):
            self._throttle.wait()
            if self._fence is not None:
                self._fence()  # immediately before the provider call: a deposed leader sends nothing
            outcome = self._gateway.send(to, body)
            if not outcome.throttled:
                self._throttle.accepted()
                return outcome
            self._throttle.throttled()
        return outcome
