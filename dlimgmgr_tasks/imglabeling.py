"""The `imglabeling` namespace: thin tasks over dlimgmgr_tasks.lib."""
from invoke import Collection, Exit

from . import settings


def _tool(ws):
    from .lib.labeling.tool import tool_for
    return tool_for(ws)


PROJECTS_HELP = {"name": "the project (projects/NAME); or -p NAME, repeated; none: every project",
                 "project": "a project (repeat for several; with no NAME and no -p: every project)"}


@settings.task(positional=["name"], iterable=["project"], help=PROJECTS_HELP)
def push(c, name=None, project=None):
    """Send projects' carriers and pre-label XML to the imglabeling host (only what changed).

    They land in the role's target_home/projects/NAME/master/ with a predefined_classes.txt, ready
    for `labelImg DIR DIR/predefined_classes.txt`. An XML changed there and not pulled yet is
    never overwritten (pull first). With `tool: labelstudio`: one Label Studio project per project,
    changed carriers uploaded, pre-labels sent as predictions. NAME or -p NAME (repeatable): the
    projects; none named: every project.
    """
    ws = settings.workspace(c)
    projects = ws.projects(settings.project_names(name, project))
    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan([ln for p in projects for ln in plans.push(ws, p.name)])
    tool = _tool(ws)
    for one in projects:
        print("\n".join(tool.push(one).lines()))


@settings.task(positional=["name"], iterable=["project"], help=PROJECTS_HELP)
def pull(c, name=None, project=None):
    """Bring labelled VOC XML back into projects/NAME/master/, each validated against its image first.

    Takes LabelImg files and CVAT / Label Studio Pascal VOC exports (also under Annotations/),
    normalised to integer coordinates. A broken file is reported and not taken; when the master
    changed here too, the labeling side's version is kept beside it as STEM.remote.xml. Exit 1
    when anything was refused or is in conflict. With `tool: labelstudio`: each task's latest
    submitted annotation, through the API. NAME or -p NAME (repeatable): the projects; none
    named: every project (each is pulled; the exit is 1 if any had a problem).
    """
    ws = settings.workspace(c)
    projects = ws.projects(settings.project_names(name, project))
    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan([ln for p in projects for ln in plans.pull(ws, p.name)])
    tool, failed = _tool(ws), []
    for one in projects:
        result = tool.pull(one)
        print("\n".join(result.lines()))
        if not result.ok:
            failed.append(f"{one.name}: {len(result.refused_files)} file(s) refused, "
                          f"{len(result.conflicts)} conflict(s)")
    if failed:
        raise Exit(f"error: {'; '.join(failed)}; see above, fix them on the labeling side or merge the "
                   ".remote.xml, then pull again", code=1)


@settings.task(positional=["name"], iterable=["project"], help=PROJECTS_HELP)
def status(c, name=None, project=None):
    """Per project: carriers, pre-labelled only, checked by a person, changed since push, conflicts.

    NAME or -p NAME (repeatable): the projects; none named: every project. With `tool: labelstudio`: tasks, annotated, pre-label only, changed since push, conflicts, and
    who submitted the latest annotation and when."""
    ws = settings.workspace(c)
    tool = _tool(ws)
    from .lib.text import table

    print("\n".join(table([tool.header] + tool.status(ws.projects(settings.project_names(name, project))))))


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
