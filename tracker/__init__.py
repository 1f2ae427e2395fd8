"""The shell of the inspection tracker: settings, database, users, login, audit, templating."""
