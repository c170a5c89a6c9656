"""searchapp: full-text search over Chinese government work reports (政府工作报告)."""

__version__ = "0.1.0"
