"""Tables of the actionplans domain."""
