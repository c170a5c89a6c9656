"""README.md documents the whole command line and every environment variable.

Commands and options come from the click group itself (searchapp.cli.main), variables from
every `SEARCHAPP_*` name written anywhere in searchapp/'s Python files, so a new option or
variable without a line in the README fails here, naming what is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from searchapp.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
VARIABLE = re.compile(r"\bSEARCHAPP_[A-Z0-9][A-Z0-9_]*\b")


def sections(text: str) -> list[str]:
    """The README cut at its headings (outside code blocks)."""
    parts, current, fenced = [], [], False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        if line.startswith("#") and not fenced:
            parts.append("\n".join(current))
            current = []
        current.append(line)
    return [*parts, "\n".join(current)]


def mentions(text: str, word: str) -> bool:
    """`word` as a token of its own: --index is not --index-dir, `searchapp serve` is not
    `searchapp server`."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def cli_options() -> dict[str, list[str]]:
    """Command ('' for the group itself) -> its option strings, --help left out (click adds
    it to everything)."""
    context = click.Context(main)
    helps = set(context.help_option_names)
    options = {"": [opt for param in main.params for opt in param.opts
                    if isinstance(param, click.Option) and opt not in helps]}
    for name, command in main.commands.items():
        options[name] = [opt for param in command.params if isinstance(param, click.Option)
                         for opt in [*param.opts, *param.secondary_opts]
                         if opt.startswith("--") and opt not in helps]
    return options


def undocumented_cli(readme: str) -> list[str]:
    """`searchapp CMD` missing from the README, and `searchapp CMD --opt` for each option not
    mentioned in a README section that shows the command."""
    missing = []
    parts = sections(readme)
    for name, opts in cli_options().items():
        command = f"searchapp {name}".strip()
        if not mentions(readme, command):
            missing.append(command)
        where = [part for part in parts if mentions(part, command)] or [""]
        missing += [f"{command} {opt}" for opt in opts
                    if not any(mentions(part, opt) for part in where)]
    return missing


def environment_variables() -> set[str]:
    return {name for path in (REPO / "searchapp").rglob("*.py")
            for name in VARIABLE.findall(path.read_text(encoding="utf-8"))}


def test_every_command_and_option_is_in_the_readme() -> None:
    missing = undocumented_cli(README)
    assert missing == [], "not documented in README.md: " + ", ".join(missing)


def test_every_environment_variable_is_in_the_readme() -> None:
    missing = sorted(name for name in environment_variables() if not mentions(README, name))
    assert missing == [], "not documented in README.md: " + ", ".join(missing)


def test_the_check_names_what_a_readme_leaves_out() -> None:
    """The checks can fail: a README with only the search usage line misses the rest."""
    readme = "## Searching\n\n    searchapp search QUERY [--index DIR] [--json]\n"
    missing = undocumented_cli(readme)
    assert "searchapp reindex" in missing and "searchapp search --region" in missing
    assert "searchapp search --index" not in missing and "searchapp search" not in missing
    assert environment_variables() >= {"SEARCHAPP_INDEX", "SEARCHAPP_CORPUS",
                                       "SEARCHAPP_INSTANCE"}
