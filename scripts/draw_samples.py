#!/usr/bin/env python3
"""Draw the sample projects' source images once; the results are committed.

    .venv/bin/python scripts/draw_samples.py [--force]

- projects/close/master/sources/close.png: a 32x32 close-button icon (dark circle, white X),
  RGBA with a transparent surround, plus three 400x400 "ad" backgrounds and five busier "ad
  screenshots" of other sizes (ad4..ad8.jpg) in projects/close/master/backgrounds/ for compose
  to crop, rescale and paste it on, and six other round buttons (plus, info, play, menu, check,
  back) in projects/close/master/distractors/, pasted without a box.
- projects/kanji/master/sources/{yama,kawa,hi,ki}.png: 山 川 日 木 as 32x32 RGBA glyphs, drawn
  with the IPA Gothic font (Debian package fonts-ipafont-gothic, file
  /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf). Only this script needs the font; the
  committed images need nothing at run time.

Existing files are left alone unless --force: the carriers and their labels derive from them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf")
KANJI = {"yama": "山", "kawa": "川", "hi": "日", "ki": "木"}
SIZE = 32
SUPER = 8  # draw 8x larger, then downscale: smooth edges with partial alpha


def close_icon() -> Image.Image:
    big = SIZE * SUPER
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    inset = 2 * SUPER  # a transparent ring, so the box (alpha bbox) is smaller than the file
    draw.ellipse((inset, inset, big - inset - 1, big - inset - 1), fill=(40, 40, 48, 255),
                 outline=(255, 255, 255, 255), width=SUPER)
    a, b = 10 * SUPER, big - 10 * SUPER
    for line in (((a, a), (b, b)), ((a, b), (b, a))):
        draw.line(line, fill=(255, 255, 255, 255), width=3 * SUPER)
    return im.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def distractor_icon(kind: str) -> Image.Image:
    """A 32x32 button that is not a close button: what a detector must learn to leave alone."""
    big = SIZE * SUPER
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    inset, w = 2 * SUPER, 3 * SUPER
    fill = {"plus": (40, 40, 48), "info": (30, 90, 200), "play": (200, 40, 40), "menu": (60, 60, 60),
            "check": (30, 150, 60), "back": (90, 90, 100)}[kind]
    draw.ellipse((inset, inset, big - inset - 1, big - inset - 1), fill=fill + (255,),
                 outline=(255, 255, 255, 255), width=SUPER)
    a, b, m, white = 10 * SUPER, big - 10 * SUPER, big // 2, (255, 255, 255, 255)
    if kind == "plus":  # an X turned by 45 degrees: the hardest negative for a close button
        draw.line(((m, a), (m, b)), fill=white, width=w)
        draw.line(((a, m), (b, m)), fill=white, width=w)
    elif kind == "info":
        draw.ellipse((m - SUPER * 2, a - SUPER, m + SUPER * 2, a + 3 * SUPER), fill=white)
        draw.line(((m, a + 6 * SUPER), (m, b)), fill=white, width=w)
    elif kind == "play":
        draw.polygon(((a + 2 * SUPER, a), (b, m), (a + 2 * SUPER, b)), fill=white)
    elif kind == "menu":
        for y in (a + SUPER, m, b - SUPER):
            draw.line(((a, y), (b, y)), fill=white, width=2 * SUPER)
    elif kind == "check":
        draw.line(((a, m), (m - SUPER, b - 2 * SUPER), (b, a + SUPER)), fill=white, width=w, joint="curve")
    else:
        draw.line(((b, m), (a, m)), fill=white, width=w)
        draw.line(((a + SUPER, m), (m, a)), fill=white, width=w)
        draw.line(((a + SUPER, m), (m, b)), fill=white, width=w)
    return im.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def kanji_glyph(char: str, font: ImageFont.FreeTypeFont) -> Image.Image:
    big = SIZE * SUPER
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    x0, y0, x1, y1 = draw.textbbox((0, 0), char, font=font)
    draw.text(((big - (x1 - x0)) / 2 - x0, (big - (y1 - y0)) / 2 - y0), char, font=font, fill=(20, 20, 20, 255))
    return im.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def ad_background(n: int) -> Image.Image:
    """A plain stand-in for an ad screenshot: a gradient, a banner, a picture block, a button."""
    palettes = [((250, 220, 120), (240, 120, 60)), ((120, 200, 250), (40, 80, 160)), ((230, 240, 230), (120, 170, 120))]
    top, bottom = palettes[n % len(palettes)]
    im = Image.new("RGB", (400, 400))
    draw = ImageDraw.Draw(im)
    for y in range(400):
        t = y / 399
        draw.line(((0, y), (399, y)), fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    draw.rectangle((30, 60, 370, 110), fill=(255, 255, 255))
    draw.rectangle((40, 72, 40 + 60 * (n + 2), 98), fill=bottom)
    draw.ellipse((110 + 20 * n, 140, 290 + 20 * n, 300), fill=(255, 255, 255), outline=top, width=6)
    draw.rounded_rectangle((100, 320, 300, 370), radius=20, fill=(30, 160, 70))
    return im


def ad_screenshot(n: int) -> Image.Image:
    """A busier stand-in for an ad screenshot, of its own size: header, picture, text lines, buttons."""
    import random

    rnd = random.Random(1000 + n)  # fixed seeds: the committed files are what matters
    width, height = ((640, 480), (480, 800), (720, 720), (800, 450), (540, 960))[n % 5]
    def color():
        return tuple(rnd.randint(0, 255) for _ in range(3))
    im = Image.new("RGB", (width, height), color())
    draw = ImageDraw.Draw(im)
    for y in range(0, height, 4):  # a soft vertical band pattern, as ad art often has
        shade = color() if rnd.random() < 0.05 else None
        if shade:
            draw.rectangle((0, y, width, y + rnd.randint(8, 60)), fill=shade)
    draw.rectangle((0, 0, width, height // 10), fill=color())  # header bar
    for _ in range(rnd.randint(2, 4)):  # pictures
        x0, y0 = rnd.randint(0, width - 60), rnd.randint(height // 10, height - 60)
        draw.rectangle((x0, y0, x0 + rnd.randint(60, width // 2), y0 + rnd.randint(60, height // 3)), fill=color())
        draw.ellipse((x0 + 10, y0 + 10, x0 + 50, y0 + 50), fill=color())
    for _ in range(rnd.randint(6, 14)):  # lines of "text"
        x0, y0 = rnd.randint(10, width // 2), rnd.randint(height // 8, height - 20)
        draw.rectangle((x0, y0, x0 + rnd.randint(40, width // 2), y0 + rnd.randint(4, 10)), fill=color())
    for _ in range(rnd.randint(1, 3)):  # buttons
        x0, y0 = rnd.randint(0, width - 160), rnd.randint(height // 2, height - 50)
        draw.rounded_rectangle((x0, y0, x0 + rnd.randint(90, 160), y0 + rnd.randint(30, 50)), radius=14,
                               fill=color(), outline=color(), width=3)
    return im


def save(image: Image.Image, path: Path, force: bool, **kw) -> None:
    if path.exists() and not force:
        print(f"kept {path.relative_to(ROOT)} (exists; --force redraws it)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **kw)
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="redraw files that already exist")
    args = parser.parse_args()
    close = ROOT / "projects" / "close" / "master"
    save(close_icon(), close / "sources" / "close.png", args.force, optimize=True)
    for n in range(3):
        save(ad_background(n), close / "backgrounds" / f"ad{n + 1}.jpg", args.force, quality=90)
    for n in range(5):
        save(ad_screenshot(n), close / "backgrounds" / f"ad{n + 4}.jpg", args.force, quality=90)
    for kind in ("plus", "info", "play", "menu", "check", "back"):
        save(distractor_icon(kind), close / "distractors" / f"{kind}.png", args.force, optimize=True)
    glyphs = {name: ROOT / "projects" / "kanji" / "master" / "sources" / f"{name}.png" for name in KANJI}
    if not args.force and all(p.exists() for p in glyphs.values()):
        print("kept the kanji glyphs (exist; --force redraws them)")
        return 0
    if not FONT.is_file():  # only the glyphs need the font
        print(f"error: {FONT} is missing; the kanji samples are drawn with IPA Gothic: "
              f"apt-get install fonts-ipafont-gothic (Debian/Ubuntu), then run this again", file=sys.stderr)
        return 1
    font = ImageFont.truetype(str(FONT), size=30 * SUPER)
    for name, char in KANJI.items():
        save(kanji_glyph(char, font), glyphs[name], args.force, optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
