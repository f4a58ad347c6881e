"""Text from a picture of a page: Tesseract's command line, one image at a time."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import Any

from extract.reading.lifetime import die_with_parent

OCR_DPI = 300
# A page rendered bigger than this is scaled down first: an A4 page at 300 dpi is 8.7 MP,
# and a hostile MediaBox or image header can ask for gigapixels.
MAX_OCR_PIXELS = 40_000_000
OCR_TIMEOUT_S = 60.0


class OcrError(Exception):
    """Tesseract could not read an image."""


def tesseract_available() -> bool:
    """Whether the tesseract command is installed (Debian: tesseract-ocr, tesseract-ocr-eng)."""
    return shutil.which("tesseract") is not None


def ocr_image(image: Any, timeout_s: float = OCR_TIMEOUT_S) -> str:
    """The English text Tesseract reads in a PIL image."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise OcrError("OCR needs tesseract (not installed)")
    low, high = image.convert("L").getextrema()
    if high - low < 16:
        return ""  # a blank page: nothing to read, and Tesseract would take a second to say so
    if image.width * image.height > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / (image.width * image.height)) ** 0.5
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    if image.mode not in ("L", "1", "RGB"):
        image = image.convert("RGB")
    png = io.BytesIO()
    image.save(png, "PNG", compress_level=1)
    # One OpenMP thread: 2.5 s a page instead of 7.3 s when every core is already busy.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run([tesseract, "stdin", "stdout", "-l", "eng", "--psm", "3"],
                              input=png.getvalue(), capture_output=True, timeout=timeout_s,
                              env=env, check=False, preexec_fn=die_with_parent)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"OCR took longer than {timeout_s:g} s") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed: {message[-1] if message else done.returncode}")
    return done.stdout.decode("utf-8", "replace").replace("\f", "").strip()


def pdf_render_scale(width_pt: float, height_pt: float) -> float:
    """The render scale for OCR: 300 dpi, less when that would exceed MAX_OCR_PIXELS."""
    scale = OCR_DPI / 72
    pixels = width_pt * height_pt * scale * scale
    if pixels > MAX_OCR_PIXELS:
        scale *= (MAX_OCR_PIXELS / pixels) ** 0.5
    return max(scale, 0.01)
