"""Connections between paragraphs of different reports: text copied from a higher level,
related paragraphs, a report's distinctive terms. Read side: each reads a Generation."""
