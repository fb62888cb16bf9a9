"""Staff, teams, roles, sessions and tokens."""
