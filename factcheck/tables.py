"""Tables of the factcheck domain."""
