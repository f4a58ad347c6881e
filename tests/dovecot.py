"""A private Dovecot IMAP server on loopback for tests and benches, and a TCP relay that can
cut a connection in the middle of a transfer.

Dovecot runs in the foreground from its own config file under a temporary directory: a
passwd-file user, mail in a Maildir there, no system service. As an ordinary user it runs
rootless (every service as that user, no chroot). As root, Dovecot refuses to run its login
processes or touch mail as root: the login processes run as `dovenull` chrooted (as the Debian
package does) and mail is kept as `nobody` in a chroot under the directory (a home with `/./`),
so the directories above it need not be readable by `nobody`.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

USER, PASSWORD = "desk", "correct horse battery staple"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Dovecot:
    """One running private Dovecot; `port` is plain IMAP (STARTTLS too when TLS is set up)."""

    root: Path
    port: int
    imaps_port: int | None = None
    ca_file: str | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)
    run_dir: Path | None = None   # sockets and pids: a short path, as unix sockets need

    def client(self) -> imaplib.IMAP4:
        """A logged-in imaplib client on the plain port."""
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, folder: str, messages: list[bytes]) -> None:
        """APPEND raw messages to a folder (created if missing)."""
        conn = self.client()
        try:
            conn.create(f'"{folder}"')   # NO when it exists: fine
            for raw in messages:
                typ, data = conn.append(f'"{folder}"', None, None, raw)
                assert typ == "OK", data
        finally:
            conn.logout()

    def flags(self, folder: str) -> dict[int, set[str]]:
        """UID -> flags of every message in a folder."""
        conn = self.client()
        try:
            conn.select(f'"{folder}"', readonly=True)
            _, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            out: dict[int, set[str]] = {}
            for line in data:
                if not isinstance(line, bytes):
                    continue
                text = line.decode()
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                out[uid] = set(text.split("FLAGS (")[1].split(")")[0].split())
            return out
        finally:
            conn.logout()

    def log(self) -> str:
        """Dovecot's log so far."""
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop the master and wait for it to go."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)


def start_dovecot(root: Path, *, tls: tuple[Path, Path, Path] | None = None) -> Dovecot:
    """Start a private Dovecot under `root`; `tls` = (cert, key, CA cert) adds imaps and
    STARTTLS."""
    if not Path(DOVECOT).exists():
        pytest.skip("dovecot is not installed (scripts/system-deps.sh installs dovecot-imapd)")
    root.mkdir(parents=True, exist_ok=True)
    (root / "state").mkdir(exist_ok=True)
    # Dovecot's unix sockets live under base_dir, whose path must stay short (a socket's path
    # is at most 107 bytes): not under a test's tmp_path, long under xdist.
    run = Path(tempfile.mkdtemp(prefix="foi-dovecot-"))
    os.chmod(run, 0o755)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    me = pwd.getpwuid(os.getuid())
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        mailroot = root / "mailroot"
        (mailroot / "home" / USER).mkdir(parents=True, exist_ok=True)
        os.chmod(mailroot, 0o755)
        os.chmod(mailroot / "home", 0o755)
        os.chown(mailroot / "home" / USER, nobody.pw_uid, nobody.pw_gid)
        users = f"""default_login_user = dovenull
default_internal_user = root
default_internal_group = root
valid_chroot_dirs = {mailroot}
"""
        userdb_args = f"uid={nobody.pw_uid} gid={nobody.pw_gid} home={mailroot}/./home/%u"
        login_chroot = ""
    else:
        (root / "home").mkdir(exist_ok=True)
        users = f"""default_login_user = {me.pw_name}
default_internal_user = {me.pw_name}
default_internal_group = {grp.getgrgid(os.getgid()).gr_name}
service anvil {{
  chroot =
}}
"""
        userdb_args = f"home={root}/home/%u"
        login_chroot = "  chroot =\n"
    port, imaps_port = free_port(), (free_port() if tls else None)
    ssl = "ssl = no\n" if tls is None else (
        f"ssl = yes\nssl_cert = <{tls[0]}\nssl_key = <{tls[1]}\n")
    imaps = f"port = {imaps_port}\n    address = 127.0.0.1" if tls else "port = 0"
    (root / "dovecot.conf").write_text(f"""# private test instance: no system service
base_dir = {run}
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
{ssl}disable_plaintext_auth = no
auth_mechanisms = plain login
{users}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = {userdb_args}
}}
mail_location = maildir:~/Maildir
service imap-login {{
{login_chroot}  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    {imaps}
  }}
}}
""")
    server = Dovecot(root, port, imaps_port, str(tls[2]) if tls else None, run_dir=run)
    server.process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            server.client().logout()
            return server
        except (OSError, imaplib.IMAP4.error) as exc:
            if server.process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                out = server.process.stdout.read().decode(errors="replace") \
                    if server.process.stdout else ""
                raise RuntimeError(f"dovecot did not start ({exc}):\n{out}\n{server.log()}") \
                    from exc
            time.sleep(0.1)


def running_dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    """A private Dovecot on loopback (plain IMAP), stopped after: the body of a fixture."""
    server = start_dovecot(tmp_path / "dovecot")
    try:
        yield server
    finally:
        server.stop()


class CuttingRelay:
    """A TCP relay on loopback to a server; counts connections and, when armed, cuts the next
    connection after it has carried `cut_after` bytes from the server."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.opened = 0
        self.cuts = 0
        self.cut_after: int | None = None
        self.on_cut = None            # called (in the relay's thread) after a cut
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, cut_after: int, on_cut=None) -> None:  # type: ignore[no-untyped-def]
        """Cut the next connection once the server has sent `cut_after` bytes through it."""
        with self._lock:
            self.cut_after, self.on_cut = cut_after, on_cut

    def close(self) -> None:
        """Stop accepting."""
        self._closed = True
        self.listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:   # held by a cut's on_cut: a reconnection waits for it
                self.opened += 1
                limit, on_cut = self.cut_after, self.on_cut
                self.cut_after = self.on_cut = None
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe, args=(client, upstream, None, None),
                             daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, limit, on_cut),
                             daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, limit: int | None,
              on_cut) -> None:  # type: ignore[no-untyped-def]
        carried, cut = 0, False
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if limit is not None and carried + len(data) >= limit:
                    dst.sendall(data[:max(0, limit - carried)])
                    with self._lock:
                        self.cuts += 1
                    cut = True
                    break
                dst.sendall(data)
                carried += len(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            if cut and on_cut is not None:
                with self._lock:
                    on_cut()
