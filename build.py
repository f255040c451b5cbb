#!/usr/bin/env python3
"""Typeset Spotlight on Regional Affairs: see `python build.py --help`."""
import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main())
