"""People: users with roles, helper profiles, sign-up and sign-in."""
