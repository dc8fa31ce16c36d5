"""Staff: what IIMC's Education Department runs over many submissions: batch review and the decision register."""

DEFAULT_DB = "coursereview.db"  # the decision register when none is named; here, so naming it loads no sqlite3
