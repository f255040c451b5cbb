"""Spotlight pipeline: Markdown manuscripts to Spotlight-layout PDFs."""

__version__ = "1.0.0"
NAME = "spotlight-pipeline"
