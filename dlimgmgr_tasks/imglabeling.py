"""The `imglabeling` namespace: thin tasks over dlimgmgr_tasks.lib."""
from invoke import Collection, Exit

from . import settings


def _tool(ws):
    from .lib.labeling.tool import tool_for
    return tool_for(ws)


@settings.task(help={"name": "the project (projects/NAME)"})
def push(c, name):
    """Send a project's carriers and pre-label XML to the imglabeling host (only what changed).

    They land in the role's target_home/projects/NAME/master/ with a predefined_classes.txt, ready
    for `labelImg DIR DIR/predefined_classes.txt`. An XML changed there and not pulled yet is
    never overwritten (pull first). With `tool: labelstudio`: one Label Studio project per project,
    changed carriers uploaded, pre-labels sent as predictions.
    """
    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.push(settings.workspace(c), name))
    ws = settings.workspace(c)
    project = ws.project(name)
    print("\n".join(_tool(ws).push(project).lines()))


@settings.task(help={"name": "the project (projects/NAME)"})
def pull(c, name):
    """Bring labelled VOC XML back into projects/NAME/master/, each validated against its image first.

    Takes LabelImg files and CVAT / Label Studio Pascal VOC exports (also under Annotations/),
    normalised to integer coordinates. A broken file is reported and not taken; when the master
    changed here too, the labeling side's version is kept beside it as STEM.remote.xml. Exit 1
    when anything was refused or is in conflict. With `tool: labelstudio`: each task's latest
    submitted annotation, through the API.
    """
    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.pull(settings.workspace(c), name))
    ws = settings.workspace(c)
    project = ws.project(name)
    result = _tool(ws).pull(project)
    print("\n".join(result.lines()))
    if not result.ok:
        raise Exit(f"error: {name}: {len(result.refused_files)} file(s) refused, {len(result.conflicts)} conflict(s); "
                   "see above, fix them on the labeling side or merge the .remote.xml, then pull again", code=1)


@settings.task(iterable=["project"], help={"project": "only this project (repeat for several; default: all)"})
def status(c, project=None):
    """Per project: carriers, pre-labelled only, checked by a person, changed since push, conflicts.

    With `tool: labelstudio`: tasks, annotated, pre-label only, changed since push, conflicts, and
    who submitted the latest annotation and when."""
    ws = settings.workspace(c)
    tool = _tool(ws)
    rows = [tool.header] + tool.status(ws.projects(project))
    widths = [max(len(r[i]) for r in rows) for i in range(len(tool.header))]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


@settings.task(name="labelstudio-token", help={"email": "the Label Studio user (default: $LABEL_STUDIO_USERNAME)"})
def labelstudio_token(c, email=None):
    """Make a Label Studio personal access token without a browser; keep it in the secrets file.

    Logs in as the user (the password from $LABEL_STUDIO_PASSWORD, else a prompt; never an
    argument), makes a personal access token and writes it to secrets.yaml beside the hosts file
    (mode 0600) under the key the imglabeling role's token_env names. Prints neither.
    """
    from .lib.labeling.studio.setup import token_line, token_plan
    if settings.is_dry(c):
        return settings.show_plan(token_plan(settings.workspace(c), email))
    print(token_line(settings.workspace(c), email))


ns = Collection("imglabeling")
for _task in (push, pull, status, labelstudio_token):
    ns.add_task(_task)
