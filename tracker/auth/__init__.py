"""Staff, teams, roles, tokens and the scope of what each role may see."""
