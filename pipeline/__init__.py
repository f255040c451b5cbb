"""The journal pipeline: Markdown manuscripts to PDFs in each journal's house style."""

__version__ = "1.0.0"
NAME = "journal-pipeline"
