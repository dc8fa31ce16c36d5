"""Word: the only code that reads or writes WordprocessingML (markup, writer, reader, package, safety)."""
