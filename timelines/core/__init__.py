"""The pure core of the deadline engine: calendar, offsets, rules, engine, the workflow check and
the scenario checker.

Nothing here reads a database, the web, the tracker shell or the clock (an import-linter
contract in `make test` keeps it so): today is always a parameter.
"""
