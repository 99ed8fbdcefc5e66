"""The labeling round trip: push carriers with their pre-labels, pull VOC labels back safely, status.

``push(project, host)`` sends the master carriers (image + XML) to the imglabeling host's
``target_home/projects/NAME/master/``, only what differs from what is there, plus a LabelImg
``predefined_classes.txt``, so ``labelImg DIR DIR/predefined_classes.txt`` shows every carrier
with its box. ``pull(project, host)`` fetches the changed labeling-side XMLs in one stream,
validates each against the master image with the rules of ``inv dlimgmgr.check``, takes every
valid one normalised to our VOC writing, and refuses (and names) the rest, leaving their master
byte-identical. ``status(projects)`` counts per project. ``unchecked(project)`` lists carriers
nobody has looked at (for the build's warning). `host` is any lib.hosts Host: a local folder and
an SSH host go through the same code.

  tool.py      the one LabelingTool interface (push, pull, status) and `tool_for(ws)`, the one
               place that picks the tool from hosts.yaml
  verdict.py   the one decision on an offered annotation: refuse / confirm / conflict / take;
               writes the master and the record, with the one check (lib/checks.py)
  record.py    the push record master/.labeling.json (what was last in sync)
  changes.py   boxes added, moved, removed, renamed between two versions of a file
  status.py    status from the record, and unchecked
  folder/      the folder tool (LabelImg, CVAT and exports in a folder): listing, push, pull
  studio/      the Label Studio tool, over its API: push, pull, status

A labeling-side XML is "changed" when its sha differs from the one last seen; a master XML is
"changed" when its sha differs from the record's "xml". Pull takes a labeling-side change unless
the master changed too (a conflict: that version is written beside it as ``STEM.remote.xml``,
neither is overwritten, until a person merges it into ``STEM.xml`` and deletes the
``.remote.xml``). Push never overwrites a labeling-side change that was not pulled.
"""
from .changes import changes_text, describe_changes
from .folder.listing import CLASSES_FILE, labeling_master
from .folder.pull import pull
from .folder.push import PushResult, push
from .record import RECORD, REMOTE_SUFFIX, read_record, write_record
from .status import HEADER, Status, status, unchecked
from .tool import LabelingTool, tool_for
from .verdict import Candidate, Person, PullResult, judge, normalise

__all__ = ["CLASSES_FILE", "HEADER", "RECORD", "REMOTE_SUFFIX", "Candidate", "LabelingTool", "Person", "PullResult",
           "PushResult", "Status", "changes_text", "describe_changes", "judge", "labeling_master", "normalise", "pull",
           "push", "read_record", "status", "tool_for", "unchecked", "write_record"]
