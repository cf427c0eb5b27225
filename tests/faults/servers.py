"""Misbehaving servers on 127.0.0.1 for the fault suite: a mail server that can be down, hang or work,
and a port that accepts connections and never answers (a database or mail server that hangs)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections import Counter


class Tarpit:
    """Accepts every connection and never sends a byte."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port: int = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = False

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.held.append(conn)

    def __enter__(self) -> Tarpit:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        time.sleep(0.3)
        for conn in self.held:
            conn.close()
        self.sock.close()


def closed_port() -> int:
    """A port nothing listens on: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Session(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: MailServer = self.server  # type: ignore[assignment]
        server.connections += 1
        if server.mode == "hang":
            server.hanging += 1
            while server.mode == "hang" and not server.stopping:
                time.sleep(0.05)  # never answer; the client's timeout ends it
            return
        self.wfile.write(b"220 fault-suite mail server\r\n")
        in_data, lines, message_id = False, 0, ""
        for raw in self.rfile:
            line = raw.rstrip(b"\r\n")
            if in_data:
                if line == b".":
                    if server.mode == "hang-after-data":
                        # The message is not accepted until "250": a client killed now has sent nothing.
                        server.hanging += 1
                        while server.mode == "hang-after-data" and not server.stopping:
                            time.sleep(0.05)
                        return
                    server.received[message_id or f"no-id-{lines}"] += 1
                    if server.hang_after is not None and sum(server.received.values()) >= server.hang_after:
                        server.mode = "hang-after-data"  # switched here, not by the test: no race
                    in_data = False
                    self.wfile.write(b"250 ok\r\n")
                elif line.lower().startswith(b"message-id:"):
                    message_id = line.split(b":", 1)[1].strip().decode()
                lines += 1
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-fault-suite\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                in_data, message_id = True, ""
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class MailServer(socketserver.ThreadingTCPServer):
    """An SMTP server whose ``mode`` the test switches: "ok", "hang", "hang-after-data".

    ``received`` counts messages by Message-ID, so a duplicate is seen as a count of 2.
    For "down", stop it (``down()``) and start it again on the same port (``up()``).
    ``hang_after=n`` switches to "hang-after-data" once n messages are in, whatever the client's pace.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int = 0, mode: str = "ok", hang_after: int | None = None) -> None:
        super().__init__(("127.0.0.1", port), _Session)
        self.port: int = self.server_address[1]  # type: ignore[index]
        self.mode = mode
        self.hang_after = hang_after
        self.received: Counter[str] = Counter()
        self.connections = 0
        self.hanging = 0
        self.stopping = False

    def __enter__(self) -> MailServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping = True
        self.shutdown()
        self.server_close()
