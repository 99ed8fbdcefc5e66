"""The sampler: one process's view of a project, turning work items into temp-named JPEGs + records.

A `Sampler` decodes each carrier once (resized to the profile, kept read-only), runs the recipe
or the project's augment.py with the item's own seeds, clips and drops boxes, and writes each
kept output as `i<carrier>_<index>_<k>.jpg` beside its XML (`.xml`, written as image number 0's:
staging.numbered_xml). It returns one record per output (its key, temp names, where the XML's
number goes, and -- for a share that crosses a link -- the sha256 of both files, hashed from
memory): the costly part of the finish, writing files, runs here in
parallel; numbering is the staging step's (staging.finish), so the same items give the same
bytes in any process on any host.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..augment import Recipe, Sample, clip_boxes, parse_recipe, resize
from ..errors import UserError
from .plan import script_path, uses_script
from .staging import numbered_xml, temp_name

RETRIES = 10  # draws per output before an output with no box left is given up
CACHE = 64    # decoded carriers kept per process; items arrive grouped by carrier


class Sampler:
    """Per-process state: the project, its carriers (decoded once) and the augmentation."""

    def __init__(self, project, size: tuple[int, int], digests: bool = True):
        self.project = project
        self.size = tuple(size)
        self.digests = digests   # False: the share never leaves this disk, nobody reads a sha256
        self.carriers = project.labelled_carriers()
        self.recipe: Recipe = parse_recipe(project.config.get("recipe"), str(project.yaml_path))
        self.script = None
        self.runner = None
        if project.count > 0:
            if uses_script(project):
                from ..augment import load_script
                self.script = load_script(script_path(project))
            else:
                from ..augment import RecipeRunner
                self.runner = RecipeRunner(self.recipe)
        self._annotations: dict = {}
        self._images: dict = {}
        self._sizes: dict = {}  # the carriers' own (width, height), before the profile's resize

    def annotation(self, ci: int):
        from .. import voc
        if ci not in self._annotations:
            try:
                self._annotations[ci] = voc.read(self.carriers[ci][1])
            except voc.VocError as exc:
                raise UserError(f"{exc}; fix it (inv dlimgmgr.check) or relabel it") from None
        return self._annotations[ci]

    def image(self, ci: int) -> Sample:
        """The carrier as RGB, resized to the profile, read once per process and kept read-only."""
        if ci not in self._images:
            if len(self._images) > CACHE:
                self._images.clear()
            self._images[ci] = self._decode(ci)
        return self._images[ci]

    def _decode(self, ci: int) -> Sample:
        import cv2
        path = self.carriers[ci][0]
        # The stored frame, as every reader here decodes it (lib/images; check refuses EXIF turns).
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
        if bgr is None:
            raise UserError(f"{path}: cannot read this image; replace or remove it")
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        objects = self.annotation(ci).objects
        h, w = rgb.shape[:2]
        self._sizes[ci] = (w, h)
        boxes, keep = [], []
        for i, obj in enumerate(objects):
            x0, y0, x1, y1 = obj.edges()
            x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
            if x1 - x0 >= 1 and y1 - y0 >= 1:
                boxes.append((float(x0), float(y0), float(x1), float(y1)))
                keep.append(i)
        sample = resize(Sample(rgb, boxes, [objects[i].name for i in keep], path.stem, 0, keep), self.size)
        # Read-only: a transform that wrote into it would change every later output of this process.
        sample.image.setflags(write=False)
        return sample

    def samples(self, ci: int, index: int) -> list[tuple[int, Sample]]:
        """Item (ci, index)'s kept outputs as (k, sample); index -1 = every output of a script project."""
        master = self.image(ci)
        base = Sample(master.image, list(master.boxes), list(master.labels), master.name, index, list(master.ids))
        carrier = self.carriers[ci][0].name
        if self.project.count == 0:
            outs = [base]
        elif self.script is not None:
            outs = self._scripted(base, carrier)
        else:
            outs = self._drawn(base, carrier, index)
        kept = []
        for k, out in enumerate(outs):
            out = clip_boxes(out, self.recipe.min_visibility)
            if out.boxes or self.recipe.negatives:
                kept.append((k, out))
        return kept

    def _scripted(self, base: Sample, carrier: str) -> list[Sample]:
        from ..augment import run_script, sample_rngs
        np_rng, _ = sample_rngs(self.project.seed, self.project.name, carrier, "script")
        base.image = base.image.copy()  # the script may write into it; the cache must stay as read
        return [resize(s, self.size) for s in run_script(
            self.script, base, np_rng, self.project.count, str(script_path(self.project)))]

    def _drawn(self, base: Sample, carrier: str, index: int) -> list[Sample]:
        """One recipe output. One whose every box left the image, or (redraw_lost) that lost any box,
        is drawn again from its own seeds, so a carrier still yields `count` images and no object is
        left half in the picture without its label; after RETRIES draws it is dropped."""
        from ..augment import sample_rngs
        for attempt in range(RETRIES):
            key = index if attempt == 0 else f"{index}.{attempt}"
            np_rng, py_rng = sample_rngs(self.project.seed, self.project.name, carrier, key)
            out = self.runner.run(base, np_rng, py_rng)
            kept = clip_boxes(out, self.recipe.min_visibility).boxes
            lost = len(kept) < len(base.boxes)
            if (self.recipe.negatives or kept) and not (self.recipe.redraw_lost and lost):
                return [out]
        return []

    def encoded(self, ci: int, index: int) -> list[tuple[int, bytes, bytes, int]]:
        """Item (ci, index)'s kept outputs as the build writes them, in memory: (k, JPEG bytes, XML
        bytes numbered 000000, the offset of that number). A notebook's trial shows exactly these."""
        import numpy as np
        outs = []
        for k, out in self.samples(ci, index):
            image = np.ascontiguousarray(out.image)
            if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
                raise UserError(f"{self.project.dir}: augmentation produced a {image.dtype} image of shape "
                                f"{image.shape}; it must be H x W x 3 uint8 RGB")
            xml, slot = numbered_xml(self.project.name, self.carriers[ci][0].name, int(image.shape[1]),
                                     int(image.shape[0]), self._objects(ci, out))
            outs.append((k, self._jpeg(ci, image), xml, slot))
        return outs

    def write(self, ci: int, index: int, out_dir: Path) -> list[dict]:
        """Write item (ci, index)'s images as temp-named JPEGs; return their records."""
        records = []
        for k, data, xml, slot in self.encoded(ci, index):
            tmp = temp_name(ci, index, k)
            (out_dir / tmp).write_bytes(data)
            tmp_xml = tmp[:-4] + ".xml"
            (out_dir / tmp_xml).write_bytes(xml)
            rec = {"key": [ci, index, k], "tmp": tmp, "tmp_xml": tmp_xml, "xml_slot": slot}
            if self.digests:
                rec["sha256"], rec["xml_sha256"] = hashlib.sha256(data).hexdigest(), hashlib.sha256(xml).hexdigest()
            records.append(rec)
        return records

    def _jpeg(self, ci: int, image) -> bytes:
        import cv2
        if self.project.count == 0 and self._copyable(ci):
            return self.carriers[ci][0].read_bytes()  # pass-through: the labelled master, untouched
        ok, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
                                [cv2.IMWRITE_JPEG_QUALITY, self.recipe.jpeg_quality])
        return data.tobytes()

    def _objects(self, ci: int, out: Sample) -> list[list]:
        """[label, x0, y0, x1, y1, pose, truncated, difficult] per box, flags from its master object."""
        objects = self.annotation(ci).objects
        rows = []
        for box, label, src in zip(out.boxes, out.labels, out.ids or [None] * len(out.boxes)):
            flags = objects[src] if src is not None and src < len(objects) else None
            rows.append([str(label), *box, flags.pose if flags else "Unspecified",
                         int(flags.truncated) if flags else 0, int(flags.difficult) if flags else 0])
        return rows

    def _copyable(self, ci: int) -> bool:
        path = self.carriers[ci][0]
        return path.suffix.lower() in (".jpg", ".jpeg") and self._sizes[ci] == self.size

    def run(self, items, out_dir: Path) -> list[dict]:
        """Every item's records, in item order (items: a chunk, a list)."""
        records = []
        for ci, index in items:
            records.extend(self.write(ci, index, Path(out_dir)))
        return records
