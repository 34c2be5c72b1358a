"""Consent (toestemming): a citizen's or company's consent for a purpose or a relation of a profile."""
