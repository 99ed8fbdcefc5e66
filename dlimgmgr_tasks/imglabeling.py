"""The `imglabeling` namespace: thin tasks over dlimgmgr_tasks.lib."""
from invoke import Collection, Exit

from . import settings


@settings.task(help={"name": "the project (projects/NAME)"})
def push(c, name):
    """Send a project's carriers and pre-label XML to the imglabeling host (only what changed).

    They land in the role's target_home/projects/NAME/master/ with a predefined_classes.txt, ready
    for `labelImg DIR DIR/predefined_classes.txt`. An XML changed there and not pulled yet is
    never overwritten (pull first).
    """
    from .lib import labeling

    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.push(settings.workspace(c), name))
    ws = settings.workspace(c)
    project = ws.project(name)
    with ws.host("imglabeling") as host:
        result = labeling.push(project, host)
    print("\n".join(result.lines()))


@settings.task(help={"name": "the project (projects/NAME)"})
def pull(c, name):
    """Bring labelled VOC XML back into projects/NAME/master/, each validated against its image first.

    Takes LabelImg files and CVAT / Label Studio Pascal VOC exports (also under Annotations/),
    normalised to integer coordinates. A broken file is reported and not taken; when the master
    changed here too, the labeling side's version is kept beside it as STEM.remote.xml. Exit 1
    when anything was refused or is in conflict.
    """
    from .lib import labeling

    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.pull(settings.workspace(c), name))
    ws = settings.workspace(c)
    project = ws.project(name)
    with ws.host("imglabeling") as host:
        result = labeling.pull(project, host)
    print("\n".join(result.lines()))
    if not result.ok:
        raise Exit(f"error: {name}: {len(result.refused_files)} file(s) refused, {len(result.conflicts)} conflict(s); "
                   "see above, fix them on the labeling side or merge the .remote.xml, then pull again", code=1)


@settings.task(iterable=["project"], help={"project": "only this project (repeat for several; default: all)"})
def status(c, project=None):
    """Per project: carriers, pre-labelled only, checked by a person, changed since push, conflicts."""
    from .lib import labeling

    rows = [labeling.HEADER] + [s.row() for s in labeling.status(settings.workspace(c).projects(project))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(labeling.HEADER))]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


ns = Collection("imglabeling")
for _task in (push, pull, status):
    ns.add_task(_task)
