"""Faces in images, with the Haar cascade that ships inside opencv-python-headless (nothing downloaded)."""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_SIDE = 800  # images are scaled down to this before detection (speed; faces stay large enough)
MIN_FACE = 0.08  # a face counts when its side is at least this part of the image's shorter side
NEIGHBOURS = 6  # detections that must agree (higher: fewer false faces in charts and text)
_lock = threading.Lock()


@cache
def _cascade():
    import cv2

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    if cascade.empty():  # pragma: no cover - a broken OpenCV install
        raise RuntimeError("face cascade missing")
    return cascade


def faces(img: Image) -> int:
    """The number of frontal faces large enough to be the subject of the picture (pasfoto, ID copy)."""
    import numpy as np

    gray = img.convert("L")
    scale = min(1.0, MAX_SIDE / max(gray.size))
    if scale < 1.0:
        gray = gray.resize((max(1, int(gray.width * scale)), max(1, int(gray.height * scale))))
    array = np.asarray(gray, dtype=np.uint8)  # no histogram equalisation: a plain card background skews it
    side = max(24, int(MIN_FACE * min(array.shape)))
    with _lock:  # a CascadeClassifier is not safe to share between threads
        found = _cascade().detectMultiScale(array, scaleFactor=1.1, minNeighbors=NEIGHBOURS, minSize=(side, side))
    return len(found)
