"""YAML text as a person reads it: its comments."""


def comment_lines(text: str) -> list[str]:
    """Every comment in a YAML text, as written (full-line ones and those after a value)."""
    return [line[line.index("#"):].strip() for line in text.splitlines() if "#" in line]
