"""The one place a task asks the person at the keyboard something (as invocations.console).

No answer (end of input, no terminal) counts as "no": a script never agrees by accident.
"""
from __future__ import annotations

YES, NO = ("y", "yes"), ("n", "no")


def confirm(question: str) -> bool:
    """Ask a yes/no question (default no) and return the answer; asks again on anything else."""
    while True:
        try:
            answer = input(f"{question} [y/N] ").strip().lower()
        except EOFError:
            print()
            return False
        if answer in YES:
            return True
        if not answer or answer in NO:
            return False
        print("Please answer y (yes) or n (no).")
