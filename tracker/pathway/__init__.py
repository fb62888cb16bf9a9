"""The criminal justice pathway: people, stages, appointments, referrals, screenings."""
