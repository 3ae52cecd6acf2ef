"""An SMTP sink for the benchmark: accepts every message on a loopback port and counts it.

After each message it writes ``<count> <unix time>`` to the status file, which
``manage.py bench_fanout`` polls. Run: ``python bench/smtp_sink.py --port 2525 --status FILE``.
"""

import argparse
import os
import signal
import threading
import time

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self, status_path: str):
        self.status_path = status_path
        self.count = 0
        self.write()

    def write(self) -> None:
        temporary = f"{self.status_path}.tmp"
        with open(temporary, "w") as status:
            status.write(f"{self.count} {time.time():.6f}\n")
        os.replace(temporary, self.status_path)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.count += 1
        self.write()
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--status", required=True)
    args = parser.parse_args()
    controller = Controller(CountingHandler(args.status), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
