"""A minimal SMTP server on a free loopback port that keeps every message it is
given, for tests whose e-mail is sent by another process (a real Celery worker):
point the worker at it with ``EMAIL_HOST``/``EMAIL_PORT``. E-mail delivery is the
one thing the tests may fake; this fakes only the far end of it."""

import email
import socketserver
import threading
from contextlib import contextmanager
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip().upper()
            if command.startswith("EHLO"):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 end with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(email.message_from_bytes(data))  # type: ignore[attr-defined]
                self.reply("250 kept")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def smtp_sink():
    """``(port, messages)`` while the server runs; ``messages`` fills as mail comes."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.messages: list[Message] = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.messages  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
