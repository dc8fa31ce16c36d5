"""Word: the only code that reads or writes WordprocessingML (python-docx, lxml, the zip package)."""
