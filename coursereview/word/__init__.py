"""Word: the only code that reads or writes WordprocessingML (markup, writer, reader, package, safety)."""

NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{NS}}}"  # the Clark prefix of a w: name: W + "tbl" is w:tbl
PLACEHOLDER = "Choose…"  # what an unfilled dropdown shows, in grey (word.controls writes it, the reader reads it)
MAX_FILE = 20 * 1024 * 1024  # the largest .docx read (here, so a size check loads no zip reader)
