"""Hostile messages, generated at test time: what broken mail clients, gateways and malicious
senders put on the wire. Each says what a careful reader should still get out of it (written
by this generator, which knows what it put in, never by the code under test)."""

from __future__ import annotations

import base64
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

PDF = b"%PDF-1.4\n% a tiny file that stands for a reply\n%%EOF\n"
CSV = b"question,answer\n1,yes\n2,no\n"


@dataclass(frozen=True)
class HostileMessage:
    """One hostile message and what must survive it."""

    name: str
    raw: bytes
    family: str
    subject: str | None = None               # a part of the subject that must be read
    body: str | None = None                  # a part of the body text that must be read
    attachments: tuple[bytes, ...] = ()      # files that must be stored byte for byte
    problem: bool | None = None              # True: must be recorded with a problem


def _headers(subject: bytes, extra: bytes = b"") -> bytes:
    return (b"From: FOI Team <foi@00c.ccg.example>\r\nTo: foi-desk@newsroom.example\r\n"
            b"Date: Wed, 20 Apr 2016 10:00:00 +0100\r\nMessage-ID: <%d@ccg.example>\r\n"
            b"Subject: " % zlib.crc32(subject) + subject + b"\r\nMIME-Version: 1.0\r\n" + extra)


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _mixed(subject: bytes, body: bytes, parts: list[bytes], boundary: bytes = b"XyZ",
           close: bool = True, extra: bytes = b"") -> bytes:
    out = _headers(subject, extra + b"Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
                   % boundary)
    out += b"This is a multi-part message.\r\n--%s\r\nContent-Type: text/plain; " \
           b"charset=utf-8\r\n\r\n%s\r\n" % (boundary, body)
    for part in parts:
        out += b"--%s\r\n%s\r\n" % (boundary, part)
    return out + (b"--%s--\r\n" % boundary if close else b"")


def _attachment(filename_header: bytes, data: bytes, media: bytes = b"application/pdf") -> bytes:
    return (b"Content-Type: %s\r\nContent-Disposition: attachment; %s\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n%s" % (media, filename_header, _b64(data)))


def _deep_multipart(depth: int, reference: str) -> bytes:
    out = [_headers(f"FOI {reference} nested {depth} deep".encode(),
                    b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n")]
    for i in range(depth):
        out.append(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1))
    out.append(b"--b%d\r\nContent-Type: text/plain\r\n\r\nThe answer is inside %d levels.\r\n"
               b"--b%d\r\n%s\r\n--b%d--\r\n"
               % (depth, depth, depth, _attachment(b'filename="deep.csv"', CSV, b"text/csv"),
                  depth))
    out += [b"--b%d--\r\n" % i for i in range(depth - 1, -1, -1)]
    return b"".join(out)


def _deep_rfc822(depth: int, reference: str) -> bytes:
    inner = b"From: a@b.example\r\nSubject: innermost\r\n\r\nThe innermost text.\r\n"
    for _ in range(depth):
        inner = b"From: a@b.example\r\nContent-Type: message/rfc822\r\n\r\n" + inner
    return _headers(f"FOI {reference} forwarded {depth} times".encode(),
                    b"Content-Type: message/rfc822\r\n\r\n") + inner


def hostile_messages(reference: str, seed: int = 2016) -> list[HostileMessage]:
    """Hostile messages replying to `reference`, the same ones for the same seed."""
    return list(_generate(reference, random.Random(seed)))


def _generate(ref: str, rng: random.Random) -> Iterator[HostileMessage]:
    r = ref.encode()
    body = b"Please find our response attached."
    text = body.decode()

    for name, header in (("latin1", b'filename="r\xe9ponse.pdf"'),
                         ("utf8", b'filename="r\xc3\xa9ponse \xe2\x80\x93 final.pdf"'),
                         ("name-param", b'filename="ok.pdf"; name="\xff\xfe.pdf"')):
        yield HostileMessage(f"raw-8bit-filename-{name}",
                             _mixed(b"FOI " + r + b" response", body, [_attachment(header, PDF)]),
                             "raw 8-bit header", f"FOI {ref} response", text, (PDF,), True)
    yield HostileMessage("raw-8bit-subject", _mixed(b"FOI " + r + b" r\xe9ponse \xff", body,
                                                    [_attachment(b'filename="a.pdf"', PDF)]),
                         "raw 8-bit header", f"FOI {ref} r", text, (PDF,), True)
    for depth in (50, 1500, 5000):
        yield HostileMessage(f"nested-multipart-{depth}", _deep_multipart(depth, ref),
                             "deep nesting", f"FOI {ref} nested", f"inside {depth} levels",
                             (CSV,), True if depth > 1000 else None)
    yield HostileMessage("nested-rfc822-3000", _deep_rfc822(3000, ref), "deep nesting",
                         f"FOI {ref} forwarded", "The innermost text.", (), True)

    good = _mixed(b"FOI " + r + b" full response", body,
                  [_attachment(b'filename="reply.pdf"', PDF),
                   _attachment(b'filename="data.csv"', CSV, b"text/csv")])
    yield HostileMessage("sound", good, "sound", f"FOI {ref} full response", text, (PDF, CSV),
                         False)
    yield HostileMessage("unclosed-boundary", _mixed(b"FOI " + r + b" unclosed", body,
                         [_attachment(b'filename="a.pdf"', PDF)], close=False),
                         "broken structure", f"FOI {ref} unclosed", text, (PDF,), True)
    yield HostileMessage("no-boundary-param", _headers(
        b"FOI " + r + b" no boundary", b"Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\n"
        b"Some text\r\n--x--\r\n"), "broken structure", f"FOI {ref} no boundary", None, (), True)
    yield HostileMessage("boundary-never-used", _headers(
        b"FOI " + r + b" unused boundary",
        b"Content-Type: multipart/mixed; boundary=nowhere\r\n\r\n" + body + b"\r\n"),
        "broken structure", f"FOI {ref} unused", None, (), True)
    yield HostileMessage("bad-base64", _mixed(b"FOI " + r, body, [
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=x.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK!!!*** not base64 at all =\r\n"]),
        "bad encoding", f"FOI {ref}", text, (), True)
    yield HostileMessage("bad-quoted-printable", _mixed(b"FOI " + r, body, [
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
        b"quoted-printable\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\n"
        b"=ZZ broken =\r\n=4"]), "bad encoding", f"FOI {ref}", text, (), None)
    yield HostileMessage("unknown-transfer-encoding", _mixed(b"FOI " + r, body, [
        b"Content-Type: text/csv\r\nContent-Disposition: attachment; filename=a.csv\r\n"
        b"Content-Transfer-Encoding: x-martian\r\n\r\n" + CSV]), "bad encoding", f"FOI {ref}",
        text, (), None)
    yield HostileMessage("unknown-charset", _headers(
        b"FOI " + r + b" charset", b"Content-Type: text/plain; charset=x-klingon\r\n\r\n"
        b"We hold no such information.\r\n"), "bad encoding", f"FOI {ref} charset",
        "We hold no such information.", (), True)
    yield HostileMessage("charset-lies", _headers(
        b"FOI " + r + b" utf8 lie", b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Cost \xa3125,000 \x93quoted\x94\r\n"), "bad encoding", f"FOI {ref} utf8 lie",
        "Cost £125,000", (), True)
    yield HostileMessage("nul-bytes", _headers(b"FOI " + r + b" nul\x00 subject",
                                               b"X-Nul: a\x00b\r\n\r\nBody\x00with NUL.\r\n"),
                         "NUL bytes", f"FOI {ref} nul", "with NUL.", (), None)
    yield HostileMessage("subject-1mb", _headers(b"FOI " + r + b" " + b"long " * 200_000,
                                                 b"\r\n" + body), "huge header",
                         f"FOI {ref} long long", text, (), None)
    yield HostileMessage("headers-5000", _headers(b"FOI " + r + b" many headers", b"".join(
        b"X-H%d: v\r\n" % i for i in range(5000)) + b"\r\n" + body), "huge header",
        f"FOI {ref} many headers", text, (), None)
    yield HostileMessage("not-a-header-first", b"This is not a header\r\n" + _headers(
        b"FOI " + r + b" late headers", b"\r\n" + body), "no headers", None, None, (), None)
    yield HostileMessage("no-headers", b"\r\n" + body + b"\r\n", "no headers", None, text, (),
                         None)
    yield HostileMessage("headers-only", _headers(b"FOI " + r + b" headers only"),
                         "no body", f"FOI {ref} headers only", None, (), None)
    yield HostileMessage("empty", b"", "empty", None, None, (), None)
    yield HostileMessage("random-bytes", rng.randbytes(4000), "random", None, None, (), None)
    yield HostileMessage("encoded-word-garbage", _headers(
        b"=?utf-8?B?!!!?= =?x-unknown?Q?abc?= FOI " + r, b"\r\n" + body), "encoded words",
        f"FOI {ref}", text, (), None)
    yield HostileMessage("rfc2231-bad-charset", _mixed(b"FOI " + r + b" 2231", body, [
        _attachment(b"filename*=bogus''%FF%FE.pdf", PDF)]), "encoded words",
        f"FOI {ref} 2231", text, (PDF,), None)
    yield HostileMessage("rfc2231-broken-continuation", _mixed(b"FOI " + r + b" cont", body, [
        _attachment(b"filename*0*=utf-8''a%E2; filename*2=c.pdf; filename*1*=%80", PDF)]),
        "encoded words", f"FOI {ref} cont", text, (PDF,), None)
    yield HostileMessage("filename-traversal", _mixed(b"FOI " + r + b" traversal", body, [
        _attachment(b'filename="../../etc/passwd\x00.pdf"', PDF)]), "filenames",
        f"FOI {ref} traversal", text, (PDF,), None)
    yield HostileMessage("filename-10k", _mixed(b"FOI " + r + b" long name", body, [
        _attachment(b'filename="' + b"a" * 10_000 + b'.pdf"', PDF)]), "filenames",
        f"FOI {ref} long name", text, (PDF,), None)
    yield HostileMessage("markup-in-text", _headers(
        b"FOI " + r + b" [red]alert[/red] <script>x</script>",
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>[bold]1. Yes[/bold]</p>"
        b"<script>alert(1)</script>\r\n"), "markup", f"FOI {ref} [red]alert[/red]",
        "[bold]1. Yes[/bold]", (), None)
    yield HostileMessage("many-attachments", _mixed(b"FOI " + r + b" many", body, [
        _attachment(b'filename="p%d.csv"' % i, b"n,%d\n" % i, b"text/csv") for i in range(60)]),
        "many parts", f"FOI {ref} many", text, tuple(b"n,%d\n" % i for i in range(60)), None)
    yield HostileMessage("bare-cr", _mixed(b"FOI " + r + b" bare cr", body, [
        _attachment(b'filename="a.pdf"', PDF)]).replace(b"\r\n", b"\r"), "line endings",
        None, None, (), None)
    yield HostileMessage("garbage-date-and-addresses", (
        b"Subject: FOI " + r + b" odd headers\r\nDate: 99 Foo 99999 99:99:99 +9999\r\n"
        b"From: <<<@@@>>>, \"\r\nIn-Reply-To: " + b" ".join(
            b"<%d@x>" % i for i in range(3000)) + b"\r\n\r\n" + body), "odd headers",
        f"FOI {ref} odd headers", text, (), True)
    yield HostileMessage("broken-delivery-report", _headers(
        b"Undeliverable: FOI " + r,
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n"
        b"--R\r\nContent-Type: text/plain\r\n\r\nDelivery has failed.\r\n--R\r\n"
        b"Content-Type: message/delivery-status\r\n\r\n\x00\xff garbage: : :\r\n--R--\r\n"),
        "broken report", f"FOI {ref}", "Delivery has failed.", (), None)
    big = rng.randbytes(12 << 20)
    yield HostileMessage("large-12mb", _mixed(b"FOI " + r + b" large", body, [
        _attachment(b'filename="large.pdf"', PDF + big)]), "large", f"FOI {ref} large", text,
        (PDF + big,), None)
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.9):
        yield HostileMessage(f"truncated-{int(fraction * 100)}", good[:int(len(good) * fraction)],
                             "truncated")
    for n in range(20):
        flipped = bytearray(good)
        for _ in range(1 + n * 3):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        yield HostileMessage(f"flipped-{n}", bytes(flipped), "corrupted")
