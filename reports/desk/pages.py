"""The desk's page images: drawn by the reader's worker processes (under the same memory and
time caps as a reading), two at a time, each drawn once, waited for off the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from extract.reading.page_image import PageImage

Drawer = Callable[[Path, int, str], PageImage]   # extract.reading.isolation.draw_page_isolated
_Key = tuple[Path, int, str]


class PageImages:
    """Pages drawn and being drawn: the latest are kept (up to `keep_bytes` of JPEG), and a
    page asked for twice while it is drawn is drawn once."""

    def __init__(self, draw: Drawer, workers: int = 2, keep_bytes: int = 32 << 20) -> None:
        self._draw, self._keep_bytes = draw, keep_bytes
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="desk-page")
        self._lock = threading.Lock()
        self._found: OrderedDict[_Key, Future[PageImage]] = OrderedDict()

    def drawing(self, path: Path, number: int, passage: str = "") -> Future[PageImage]:
        """The page's image, drawn or being drawn."""
        key = (path, number, passage)
        with self._lock:
            found = self._found.get(key)
            if found is None or (found.done() and found.exception() is not None):
                found = self._pool.submit(self._draw, path, number, passage)
                found.add_done_callback(lambda _: self._trim())
                self._found[key] = found
            self._found.move_to_end(key)
        return found

    def known(self, path: Path, number: int, passage: str = "") -> PageImage | None:
        """The page's image if it was drawn (or refused) already, without waiting."""
        with self._lock:
            found = self._found.get((path, number, passage))
        if found is None or not found.done() or found.exception() is not None:
            return None
        return found.result()

    async def get(self, path: Path, number: int, passage: str = "",
                  wait: float | None = None) -> PageImage | None:
        """The page's image, waiting at most `wait` seconds for it (None: still drawing)."""
        future = asyncio.wrap_future(self.drawing(path, number, passage))
        try:
            return await asyncio.wait_for(asyncio.shield(future), wait)
        except TimeoutError:
            return None
        except Exception as exc:   # no worker could start: asked again, it is tried again
            return PageImage(None, f"the page could not be drawn ({exc})")

    def _trim(self) -> None:
        with self._lock:
            kept = 0
            for n, key in enumerate(reversed(list(self._found))):
                found = self._found[key]
                if found.done() and found.exception() is None:
                    kept += len(found.result().jpeg or b"")
                if kept > self._keep_bytes or n >= 256:   # refusals are kept, but not forever
                    del self._found[key]
