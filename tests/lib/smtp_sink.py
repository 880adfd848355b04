"""A loopback SMTP sink for Prenota's delivery tests: `smtp_sink.py PORT DIR [--no-smtputf8]`.

Listens on 127.0.0.1:PORT (plain SMTP, no TLS; AUTH PLAIN/LOGIN is offered and any
credentials are accepted; SMTPUTF8 is offered unless --no-smtputf8) and keeps every message
it accepts as two files in DIR:
  <seq>.json  {"mail_from": ..., "rcpt_tos": [...], "auth_login": ... or null}
  <seq>.eml   the raw DATA bytes (dot-unstuffed, as the client sent them)
<seq> is a 6-digit number counting on from the highest one already in DIR. Each file is
written under a hidden temporary name and renamed, .json first: once <seq>.eml exists,
both files are complete.

Fault mode: while DIR/fail-next exists and holds a number N (an empty file means 1), the
next N messages are refused at DATA with `451 4.3.0 try again later`; the number counts
down and the file is deleted at 0.

Recipients: while DIR/rcpt-rules.json maps an address to {"reply": "550 5.1.1 ...", "times": N
or null}, `RCPT TO` for it is answered that reply (N more times, then the rule is dropped; null:
always), as by a server that refuses a mailbox (5xx) or greylists it (450). Every `RCPT TO`
answer is appended to DIR/rcpt.log as `<code> <address>`.
"""

import asyncio
import json
import logging
import os
import signal
import sys
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult


def write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Sink:
    def __init__(self, directory: Path):
        self.dir = directory
        numbers = [int(p.stem) for p in directory.glob("*.eml") if p.stem.isdigit()]
        self.seq = max(numbers, default=0)

    def should_fail(self) -> bool:
        flag = self.dir / "fail-next"
        try:
            text = flag.read_text().strip()
        except FileNotFoundError:
            return False
        left = (int(text) if text else 1) - 1
        if left > 0:
            write_atomically(flag, f"{left}\n".encode())
        else:
            flag.unlink(missing_ok=True)
        return left >= 0

    def rcpt_reply(self, address: str):
        """The reply a rule gives to `address`, counting it down; None when no rule applies."""
        path = self.dir / "rcpt-rules.json"
        try:
            rules = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        rule = rules.get(address)
        if rule is None:
            return None
        if rule.get("times") is not None:
            rule["times"] -= 1
            if rule["times"] <= 0:
                del rules[address]
            write_atomically(path, json.dumps(rules).encode())
        return rule["reply"]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_reply(address)
        if reply is None:
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
            reply = "250 OK"
        with open(self.dir / "rcpt.log", "a") as log:
            log.write(f"{reply[:3]} {address}\n")
        return reply

    async def handle_DATA(self, server, session, envelope):
        if self.should_fail():
            print(f"refused a message from {envelope.mail_from} (fail-next)", flush=True)
            return "451 4.3.0 try again later"
        self.seq += 1
        name = f"{self.seq:06d}"
        login = session.auth_data.login.decode() if session.authenticated else None
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "auth_login": login}
        write_atomically(self.dir / f"{name}.json", json.dumps(meta).encode())
        write_atomically(self.dir / f"{name}.eml", envelope.original_content)
        print(f"kept {name}.eml from {envelope.mail_from} to {envelope.rcpt_tos}", flush=True)
        return "250 2.0.0 OK"


def accept_any(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=True, auth_data=auth_data)


async def main(port: int, directory: Path, smtputf8: bool) -> None:
    # aiosmtpd 1.4 warns on its own use of the deprecated Session.login_data at every AUTH.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    loop = asyncio.get_running_loop()
    sink = Sink(directory)
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="localhost", enable_SMTPUTF8=smtputf8, authenticator=accept_any,
                     auth_require_tls=False, loop=loop),
        "127.0.0.1", port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"SMTP sink listening on 127.0.0.1:{port}, writing into {directory}", flush=True)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2]), "--no-smtputf8" not in sys.argv[3:]))
