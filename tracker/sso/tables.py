"""Who a person is at an identity provider: the provider's stable subject, linked to one user."""

from piccolo.columns import ForeignKey, Timestamptz, Varchar
from piccolo.table import Table

from tracker.tables import AppUser


class SsoIdentity(Table, tablename="sso_identity"):
    """Unique per (provider, subject) (a unique index made by the migration)."""

    provider = Varchar(length=40, index=True)
    subject = Varchar(length=255)
    user = ForeignKey(AppUser, index=True)
    created_at = Timestamptz()
    last_sign_in_at = Timestamptz()
