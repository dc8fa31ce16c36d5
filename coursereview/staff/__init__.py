"""Staff: what IIMC's Education Department runs over many submissions: batch review and the decision register."""
