"""The one CLI skeleton of the host-side programs: argparse subcommands and one error mapping.

Standard library only: it runs on a pytorch host that has nothing but Python.

    parser = Parser(prog="unpack", hint="...")
    sub = parser.add_subparsers(dest="cmd", required=True)
    ...
    sys.exit(main(parser, {"prepare": run_prepare, ...}, expected=(UnpackError,)))

A handler takes the parsed arguments and returns the exit status. Whatever goes wrong reaches the
orchestrator as ONE line on stderr, never a traceback (it turns that line into its message):
  an `expected` error (the program's problem a person can fix)   `error: MESSAGE`, exit 1
  OSError (a full disk, a permission)                            `error: WHERE: why ADVICE`, exit 1
  Ctrl-C or SIGTERM turned into KeyboardInterrupt                `error: INTERRUPTED`, exit 130
  a `quiet` error (the orchestrator went away: nobody reads)     exit 130
  any other exception, when `unexpected` names the program      `error: NAME failed unexpectedly (...)`, exit 1
  a bad command line                                             `error: PROG: why HINT`, exit 1
"""
from __future__ import annotations

import argparse
import sys


class Parser(argparse.ArgumentParser):
    """A usage error is one line and exit 1, as every other refusal (not usage + exit 2)."""

    def __init__(self, *args, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.hint = hint

    def error(self, message):
        print(f"error: {self.prog}: {message}{self.hint}", file=sys.stderr)
        sys.exit(1)

    def add_subparsers(self, **kwargs):
        """Subcommands report their usage errors as their program does (its name, its hint)."""
        action = super().add_subparsers(**kwargs)
        root = self

        class Sub(Parser):
            def error(self, message):
                root.error(message)
        action._parser_class = Sub
        return action


def main(parser: argparse.ArgumentParser, handlers: dict, argv=None, *, expected=(), quiet=(), where=None,
         advice: str = "", interrupted: str = "interrupted", unexpected: str | None = None) -> int:
    """Parse argv, run the subcommand's handler, map what it raises (see the module's doc).
    where(args): the path an OSError without a file name is about."""
    args = parser.parse_args(argv)
    try:
        return handlers[args.cmd](args)
    except quiet:
        return 130
    except expected as exc:
        return _fail(str(exc))
    except OSError as exc:
        place = exc.filename or (where(args) if where else ".")
        return _fail(f"{place}: {exc.strerror or exc}{advice}")
    except KeyboardInterrupt:
        _fail(interrupted)
        return 130
    except Exception as exc:
        if unexpected is None:
            raise
        return _fail(f"{unexpected} failed unexpectedly ({type(exc).__name__}: {exc})")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
