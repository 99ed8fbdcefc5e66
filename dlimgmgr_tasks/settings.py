"""Glue shared by the task modules: the Workspace from Invoke's context (CLI > config > default),
the task decorator (one flag vocabulary, one-line errors), the --dry switch.

Nothing here does work; it turns Invoke's context into plain values for the library.
"""
from __future__ import annotations

import functools
import logging
import os
import sys

import invoke
from invoke import Exit

from .lib.errors import UserError

# paramiko logs a reset socket ("Socket exception: Connection reset by peer") at ERROR, which
# Python's last-resort handler would print as a second line: the UserError already says it.
logging.getLogger("paramiko").addHandler(logging.NullHandler())

# The built-in defaults live with the workspace model; invoke.yaml and flags override them.
from .lib.workspace import DEFAULTS  # noqa: E402,F401  (tasks.py configures the collection with it)


def workspace(c, profile: str | None = None):
    """The lib.workspace.Workspace for this Invoke context (the --profile flag beats config)."""
    from .lib.invconfig import plain
    from .lib.workspace import Workspace

    conf = cfg(c)
    settings = {k: plain(conf[k]) for k in conf if k != "root"}
    return Workspace.at(conf.root, settings, profile=profile)


def cfg(c) -> dict:
    return c.config.dlimgmgr


def pick(value, default):
    """CLI beats config: flags default to None so an explicit value always wins."""
    return default if value is None else value


# One vocabulary of flags for every task: the same option has the same short flag and type
# everywhere (flags default to None so that config can fill them, and Invoke would otherwise
# show a None-default flag as STRING).
SHORT_FLAGS = {"profile": "o", "project": "p", "name": "n", "jobs": "j", "force": "f", "build": "b",
               "limit": "l", "timeout": "t", "seed": "s", "remap": "m", "projects": "P", "source": "S",
               "yes": "y", "port": "r", "each": "e", "json": "J", "format": "F"}
FLAG_KINDS = {"jobs": int, "limit": int, "seed": int, "port": int, "timeout": float, "train": float,
              "val": float, "test": float, "negatives": bool, "minutes": float, "steps": int, "heldout": int}


class DlArgument(invoke.Argument):
    """A flag whose value is checked against its type with one line (exit 1), not a traceback."""

    def set_value(self, value, cast: bool = True) -> None:
        try:
            super().set_value(value, cast)
        except (TypeError, ValueError):
            what = {int: "a whole number", float: "a number"}.get(self.kind, f"a {self.kind.__name__}")
            raise invoke.ParseError(f"error: --{self.name.replace('_', '-')} must be {what} "
                                    f"(got {value!r})") from None


class DlTask(invoke.Task):
    """An Invoke task whose flags take their short name and type from the tables above.

    A positional parameter with a default (`def compose(c, name=None, project=None)`) is an
    optional positional: `inv dataaug.compose close imglabeling.push close` still gives it a word,
    while `inv dataaug.compose -p a -p b imglabeling.push -p a` (or no name at all) leaves it empty
    instead of swallowing the next task's name (see _optional_positionals below)."""

    def get_arguments(self, ignore_unknown_help=None):
        import inspect

        args = super().get_arguments(ignore_unknown_help)
        params = inspect.signature(self.body).parameters
        for arg in args:
            arg.__class__ = DlArgument  # same state, checked casting
            param = params.get(arg.name)
            arg.dl_optional = bool(arg.positional and param is not None
                                   and param.default is not inspect.Parameter.empty)
        return args

    def arg_opts(self, name, default, taken_names):
        opts = super().arg_opts(name, default, taken_names)
        long_name = opts["names"][0]
        short = SHORT_FLAGS.get(name)
        opts["names"] = [long_name] + ([short] if short and short not in taken_names else [])
        if name in FLAG_KINDS and "kind" not in opts:
            opts["kind"] = FLAG_KINDS[name]
        if opts.get("kind") is float:  # Invoke's help names STRING and INT only
            opts["help"] = f"FLOAT: {opts.get('help', '')}"
        return opts


def task(*args, **kwargs):
    """@task for this collection: DlTask flags, and UserError/OSError mapped to one line, exit 1."""
    kwargs.setdefault("klass", DlTask)
    if len(args) == 1 and callable(args[0]):  # bare @settings.task
        return invoke.task(user_errors(args[0]), **kwargs)
    return lambda fn: invoke.task(*args, **kwargs)(user_errors(fn))


def project_names(name, project) -> list[str] | None:
    """The projects a per-project verb works on: the positional NAME and every `-p NAME`, in order,
    once each; None (every project) when none is named."""
    names = ([name] if name else []) + list(project or [])
    return list(dict.fromkeys(names)) or None


def _optional_positionals() -> None:
    """Teach Invoke's parser the optional positional (DlTask): when the next word is another task
    (or the line ends) and the only positionals still missing are optional, they stay empty ("")
    instead of eating that task's name or failing with "did not receive required positional
    arguments". A project named like a task (`build`) is then given with `-p build`."""
    from invoke.parser import parser as iparser

    if getattr(iparser.ParseMachine, "_dl_optional", False):
        return
    handle, complete = iparser.ParseMachine.handle, iparser.ParseMachine.complete_context

    def _close(ctx) -> None:
        missing = ctx.missing_positional_args if ctx is not None else []
        if missing and all(getattr(a, "dl_optional", False) for a in missing):
            for arg in missing:
                arg._value = ""

    def _handle(self, token):
        ctx = self.context
        if (ctx is not None and token not in ctx.flags and not self.waiting_for_flag_value
                and (token in self.contexts or (self.initial and token in self.initial.flags))):
            _close(ctx)
        return handle(self, token)

    def _complete(self):
        _close(self.context)
        return complete(self)

    iparser.ParseMachine.handle, iparser.ParseMachine.complete_context = _handle, _complete
    iparser.ParseMachine._dl_optional = True


_optional_positionals()


def is_dry(c) -> bool:
    """`inv --dry TASK`: every task that changes something prints its plan and changes nothing."""
    return bool(c.config.run.dry)


def show_plan(lines) -> None:
    """Print a dry run's plan (lib.plans): what the task would write, contact and swap."""
    print("\n".join(["dry run: nothing is changed", *lines]))


def user_errors(fn):
    """Turn a UserError into Invoke's Exit: one line on stderr, exit code 1, no traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import signal

        if getattr(signal.getsignal(signal.SIGINT), "__name__", "") == "_interrupted_early":
            signal.signal(signal.SIGINT, signal.default_int_handler)   # tasks.py's start-up handler ends here
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise Exit(f"error: {exc}", code=1) from None
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                _quiet_stdout()
                raise Exit(code=1) from None
            # A full disk, a read-only folder, a permission: one line naming the path, no traceback.
            where = exc.filename or "a file"
            raise Exit(f"error: {where}: {exc.strerror or exc}; free space or fix the permissions, then run "
                       f"it again", code=1) from None
        except KeyboardInterrupt as exc:
            # A verb that knows what its interrupt left raises KeyboardInterrupt(message) (deploy:
            # which dataset is in place; pull: how many masters were taken); otherwise no claim:
            # builds and mixes swap whole or not at all, and running it again finishes the job.
            said = str(exc).strip()
            raise Exit(said if said else "interrupted (Ctrl-C); run it again to finish",
                       code=130) from None
    return wrapper


def _quiet_stdout() -> None:
    # Output piped into `head` that closed early: stop quietly, as command-line tools do
    # (stdout now goes nowhere, so the final flush at exit cannot raise again).
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def guard_invoke_config() -> None:
    """invoke.yaml (and ~/.invoke.yaml, /etc/invoke.yaml) is read by Invoke itself, after tasks.py
    is imported and before any task runs: a file that is not YAML, not UTF-8 or not a mapping,
    or a key whose kind differs from the default's (a value where a mapping belongs), becomes
    one line naming the file and the key, exit 1, instead of a traceback. Called by tasks.py."""
    from invoke import config as iconfig

    if getattr(iconfig.Config, "_dl_guarded", False):
        return
    load, merge = iconfig.Config._load_yaml, iconfig.Config.merge

    def _load_yaml(self, path):
        try:
            data = load(self, path)
        except OSError:
            raise               # Invoke's own "no such file" case
        except Exception as exc:  # invoke.vendor.yaml's errors, or bytes that are not UTF-8
            raise Exit(f"error: {path}: not readable YAML ({_yaml_problem(exc)}); fix the file", code=1) from None
        if data is not None and not isinstance(data, dict):
            raise Exit(f"error: {path}: must be a mapping of settings (e.g. `dlimgmgr:` with keys under it), "
                       f"not {type(data).__name__}; fix the file", code=1)
        return data or {}

    def _merge(self):
        try:
            merge(self)
        except iconfig.AmbiguousMergeError as exc:
            raise Exit(f"error: {_config_clash(self, iconfig.merge_dicts) or exc}", code=1) from None

    iconfig.Config._load_yaml = iconfig.Config._load_yml = _load_yaml
    iconfig.Config.merge = _merge
    iconfig.Config._dl_guarded = True


def _yaml_problem(exc: Exception) -> str:
    """A YAML error as a few words and where: "expected ',' or ']' at line 2, column 1"."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"{getattr(exc, 'problem', None) or ' '.join(str(exc).split())}{where}"


def _config_clash(config, merge_dicts) -> str | None:
    """The first config file key whose value is a mapping where the defaults hold a single value,
    or the other way round, as one line naming the file; None when none is found."""
    import copy

    base = copy.deepcopy(dict(config._defaults))
    merge_dicts(base, copy.deepcopy(dict(config._collection)))
    for layer in ("system", "user", "project", "runtime"):
        data, path = getattr(config, f"_{layer}", None), getattr(config, f"_{layer}_path", None)
        if not data:
            continue
        found = _clash(base, data)
        if found:
            keys, default, given = found
            want = "a mapping (keys under it)" if isinstance(default, dict) else "a single value, not a mapping"
            return f"{path}: {'.'.join(keys)} must be {want} (got {given!r}); fix the file"
        merge_dicts(base, copy.deepcopy(data))
    return None


def _clash(base: dict, data: dict, keys: tuple = ()):
    for key, value in data.items():
        if key not in base:
            continue
        if isinstance(base[key], dict) != isinstance(value, dict):
            return (*keys, str(key)), base[key], value
        if isinstance(value, dict):
            found = _clash(base[key], value, (*keys, str(key)))
            if found:
                return found
    return None
