"""The TeX step, in one home: the engine (the one the text needs), the
precompiled formats, the passes LaTeX asks for, the glyph and table checks,
reading the log and keeping it.

    typeset(tex, text, ...) -> TexOutput   the one entry the pipeline calls
    LatexError                             what it raises when TeX stops
    keep_log(log, dest)                    a log out of its scratch folder
    version(engine), identity(engine)      what a PDF's Producer names; what
                                           the cache keys hold (probed once)

step.py runs the passes; engine.py runs pdfLaTeX or XeLaTeX once and probes
their versions; formats.py keeps the precompiled preambles; confine.py is
how every TeX program runs (environment, sandbox); log.py reads and keeps logs.
"""
from .engine import identity, version
from .log import LatexError, keep_log
from .step import TexOutput, typeset

__all__ = ["LatexError", "TexOutput", "keep_log", "identity", "typeset", "version"]
