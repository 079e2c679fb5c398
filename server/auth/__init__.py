"""Authentication and authorisation: passwords, tokens, role and area-scope dependencies."""
