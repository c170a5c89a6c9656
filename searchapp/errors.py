"""Every failure a user can cause or meet, as one hierarchy.

The CLI catches SearchappError once (cli.main) and prints its message, which names the
problem and the fix, as one line with exit status 1; the web app answers the index
errors with the 503 page. Anything else is a bug: the CLI says so and where the log is.
"""

from __future__ import annotations


class SearchappError(Exception):
    """An expected failure: its message is for the user, in one sentence with the fix."""


class IndexProblem(SearchappError):
    """Something is wrong with the index directory (base of the index errors)."""


class IndexMissing(IndexProblem):
    """No index has been published in the directory yet."""


class IndexIncompatible(IndexProblem):
    """The directory holds an index this version cannot read."""


class IndexDamaged(IndexProblem):
    """A file of the published generation is missing, unreadable or not what was written."""


class IndexRefused(IndexProblem):
    """reindex will not write into this directory: "" or /, or a non-empty folder that is
    not a searchapp index (it would mix its files with the index, and clean up its files)."""


class IndexBusy(IndexProblem):
    """Another reindex holds the index's writer lock."""


class CorpusError(SearchappError):
    """The corpus paths given to reindex are missing or hold no reports."""


class BuildFailed(SearchappError):
    """Writing a generation failed; the previous generation stays published."""


class UsageError(SearchappError):
    """A command-line value that click's own types cannot check (a port out of range…)."""


class DatabaseProblem(SearchappError):
    """The database of saved searches (SEARCHAPP_DATABASE_URL) is unreachable, refuses us,
    or holds a schema newer than this version of searchapp."""
