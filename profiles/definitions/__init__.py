"""Profile definitions: profiles, relations and search actions, their JQ expressions, fields and
output schema, and one profile's export and import."""
