"""Opening images, the one way: check, build, compose and preview refuse the same files for the
same reasons, and no place turns an image by its EXIF orientation while another does not.

- `header(path)`: (width, height) and format from the header alone, refused when the header claims
  a decompression bomb, an EXIF orientation other than upright (viewers disagree on which frame
  its boxes are in), a cut-short file (no end marker) or an empty size.
- `verify(path)`: `header` plus one full decode that must end cleanly. A JPEG cut and closed with an
  end marker decodes in Pillow without a word (libjpeg only warns, Pillow drops warnings), so a
  JPEG is decoded by OpenCV's libjpeg at 1/8 scale with its warnings caught.
- `load(path)`: a verified PIL image, in the file's stored frame.

Every refusal is an `ImageProblem` (a ValueError) whose text reads after "the image"; callers name
the file.
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass

JPEG_FORMATS = ("JPEG", "MPO")  # Pillow names camera JPEGs with extra frames "MPO"
TAIL_BYTES = 1024               # how far from the end an end marker may sit (some writers pad after it)
ORIENTATION = 0x0112            # the EXIF tag; 1 is upright, 2-8 mirror and/or rotate when shown
TURNS = {2: "mirrored", 3: "rotated 180°", 4: "flipped", 5: "mirrored and rotated",
         6: "rotated 90° clockwise", 7: "mirrored and rotated", 8: "rotated 90° anticlockwise"}
UPRIGHT_FIX = ("make it upright: keep the stored pixels and drop the tag (exiftool -n -Orientation=1 FILE) "
               "if its boxes were drawn in LabelImg, else turn the pixels (python -c \"from PIL import "
               "Image, ImageOps; ImageOps.exif_transpose(Image.open('FILE')).save('FILE')\") and label it again")
_capture_lock = threading.Lock()


class ImageProblem(ValueError):
    """Why an image is refused: `str()` reads after "the image"; `code` and `fix` as checks.Problem has them."""

    def __init__(self, reason: str, code: str = "unreadable-image", fix: str = "restore or replace the image"):
        super().__init__(reason)
        self.code, self.fix = code, fix


@dataclass(frozen=True)
class Header:
    width: int
    height: int
    format: str

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


def header(path) -> Header:
    """What the header says, after the refusals that need no decoding (see the module docstring)."""
    from PIL import Image

    try:
        f = open(path, "rb")
    except OSError as exc:
        raise ImageProblem(f"cannot be opened ({exc.strerror})") from None
    with f:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(f) as im:  # lazy: reads the header only
                    size, fmt, orientation = im.size, im.format, _orientation(im)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem(f"claims more than {Image.MAX_IMAGE_PIXELS} pixels (a decompression bomb?)",
                               "too-large", "replace it with an image of a real size") from None
        except Exception as exc:  # Pillow raises many types for a damaged file; all mean "unreadable"
            raise ImageProblem(f"is not a readable image ({type(exc).__name__})") from None
        tail = _tail(f)
    if fmt in JPEG_FORMATS and b"\xff\xd9" not in tail:
        raise ImageProblem("is a truncated JPEG (no end-of-image marker)")
    if fmt == "PNG" and b"IEND" not in tail:
        raise ImageProblem("is a truncated PNG (no IEND chunk)")
    if size[0] < 1 or size[1] < 1:
        raise ImageProblem(f"has an empty size {size[0]}x{size[1]}")
    if orientation in TURNS:
        raise ImageProblem(f"has EXIF orientation {orientation} (shown {TURNS[orientation]} by browsers and "
                           f"Label Studio, as stored by LabelImg), so its boxes are ambiguous",
                           "exif-orientation", UPRIGHT_FIX)
    return Header(size[0], size[1], fmt)


def _orientation(im) -> int:
    """The EXIF orientation from the header's EXIF block (1 when there is none); never decodes."""
    if "exif" not in im.info:
        return 1
    try:
        value = im.getexif().get(ORIENTATION, 1)
    except Exception:  # a damaged EXIF block: viewers ignore it, and so do we
        return 1
    return value if isinstance(value, int) else 1


def _tail(f) -> bytes:
    f.seek(0, os.SEEK_END)
    end = f.tell()
    f.seek(max(0, end - TAIL_BYTES))
    return f.read()


def verify(path) -> Header:
    """`header`, then one full decode that must end without a decoder warning."""
    head = header(path)
    if head.format in JPEG_FORMATS:
        _verify_jpeg(path)
    else:
        load(path, head)
    return head


def _verify_jpeg(path) -> None:
    import cv2
    import numpy as np

    try:
        data = np.fromfile(path, np.uint8)
    except OSError as exc:
        raise ImageProblem(f"cannot be read ({exc.strerror})") from None
    # 1/8 scale: every coefficient is still entropy-decoded (where a cut shows), little else is done.
    flags = cv2.IMREAD_REDUCED_GRAYSCALE_8 | cv2.IMREAD_IGNORE_ORIENTATION
    decoded, said = _stderr_of(lambda: cv2.imdecode(data, flags))
    if decoded is None or said:
        first = said.splitlines()[0].strip() if said.strip() else "it does not decode"
        raise ImageProblem(f"is a damaged JPEG (libjpeg: {first})", "damaged-image",
                           "restore it from a good copy, or replace it")


def _stderr_of(call):
    """call()'s result and what the C libraries wrote to stderr meanwhile (libjpeg's warnings go
    nowhere else). The lock keeps this process's own decodes apart."""
    with _capture_lock, tempfile.TemporaryFile() as out:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(out.fileno(), 2)
            result = call()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        return result, out.read().decode("utf-8", "replace")


def load(path, head: Header | None = None):
    """The image, decoded in full by Pillow (a cut-short file raises), in its stored frame."""
    from PIL import Image

    head = head or header(path)
    if head.format in JPEG_FORMATS:
        _verify_jpeg(path)
    try:
        with Image.open(path) as im:
            im.load()
            return eight_bit(im.copy())
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageProblem(f"does not decode ({exc})", "damaged-image",
                           "restore it from a good copy, or replace it") from None


def eight_bit(im):
    """A 16-bit greyscale image (PNG's, Pillow's I;16 or I) scaled to 8-bit L (65535 -> 255):
    Pillow's own convert("RGB") clips every value above 255 to white. 8-bit modes pass as they are."""
    import numpy as np
    from PIL import Image

    if im.mode not in ("I", "F") and not im.mode.startswith("I;16"):
        return im
    if im.mode == "F":
        raise ImageProblem("is a floating-point image, which has no 8-bit meaning", "float-image",
                           "save it as an 8-bit or 16-bit PNG or a JPEG")
    values = np.asarray(im, dtype=np.float64) if im.mode == "I" else np.asarray(im.convert("I"), dtype=np.float64)
    top = values.max(initial=0)
    if values.min(initial=0) < 0 or top > 65535:
        raise ImageProblem("is a 32-bit image with values outside 0-65535", "deep-image",
                           "save it as an 8-bit or 16-bit PNG or a JPEG")
    scale = 1.0 if im.mode == "I" and top <= 255 else 255 / 65535
    return Image.fromarray(np.rint(values * scale).astype(np.uint8), "L")
