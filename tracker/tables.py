"""Users, their roles, sessions, API tokens and the append-only audit log."""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class AppUser(Table, tablename="app_user"):
    username = Varchar(length=150, unique=True, index=True)
    display_name = Varchar(length=200)
    email = Varchar(length=254, default="")
    password_hash = Varchar(length=255, secret=True)
    active = Boolean(default=True)
    prison_group = Varchar(length=100, default="", help_text="Scope for an HMPPS manager")
    created_at = Timestamptz()
    deactivated_at = Timestamptz(null=True, default=None)
    totp_secret = Varchar(length=255, default="", secret=True, help_text="Encrypted (tracker.twofactor)")
    totp_enabled_at = Timestamptz(null=True, default=None)
    totp_last_step = Integer(default=0, help_text="The last time step used: a code works once")
    must_change_password = Boolean(default=False, help_text="A temporary password: changed at sign-in")
    digest = Varchar(length=10, default="daily", help_text="Email digest: daily, weekly (Monday) or none")


class PasswordLink(Table, tablename="password_link"):
    """A one-time link with which a person sets their own password; stored hashed, expires."""

    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(AppUser, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class UserRole(Table, tablename="user_role"):
    user = ForeignKey(AppUser, index=True)
    role = Varchar(length=40)


class RecoveryCode(Table, tablename="recovery_code"):
    """One-time codes for when the authenticator app is lost; stored salted and slowly hashed."""

    user = ForeignKey(AppUser, index=True)
    code_hash = Varchar(length=255)
    used_at = Timestamptz(null=True, default=None)


class LoginChallenge(Table, tablename="login_challenge"):
    """Between the password and the second factor: short-lived, a few attempts."""

    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(AppUser, index=True)
    purpose = Varchar(length=10)  # verify or enrol
    pending_secret = Varchar(length=255, default="", secret=True)
    next_path = Varchar(length=500, default="/")
    attempts = Integer(default=0)
    created_at = Timestamptz()


class AttemptCounter(Table, tablename="attempt_counter"):
    """Throttled attempts (passwords for a username or from a client, codes for a user) in the
    current window, each taken before the work is done (tracker/throttle.py)."""

    key = Varchar(length=200, unique=True, index=True)
    used = Integer(default=0)
    window_start = Timestamptz()


class UserSession(Table, tablename="user_session"):
    """Server-side sessions: survive restarts and are shared by every worker."""

    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(AppUser, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)


class ApiToken(Table, tablename="api_token"):
    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(AppUser, index=True)
    label = Varchar(length=100, default="")  # its name, chosen by the user
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)  # set for every token made since K12
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class AuditEvent(Table, tablename="audit_event"):
    """Append-only: the database refuses UPDATE and DELETE (see the tracker migrations), and
    each row is hash-chained to the one before it (tracker/audit.py, decision 0007)."""

    at = Timestamptz(index=True)
    actor_id = Integer(null=True, default=None, index=True)
    actor = Varchar(length=150, default="", index=True)
    roles = Varchar(length=255, default="")
    action = Varchar(length=60, index=True)
    object_type = Varchar(length=60, default="", index=True)
    object_id = Varchar(length=60, default="", index=True)
    outcome = Varchar(length=20, default="success")
    request_id = Varchar(length=36, default="")
    client_address = Varchar(length=64, default="")
    detail = Text(default="")
    prev_hash = Varchar(length=64, default="")  # the row before's row_hash
    row_hash = Varchar(length=64, default="")  # SHA-256 of prev_hash and this row's content


class SubmittedForm(Table, tablename="submitted_form"):
    """A form's one-time token, claimed by its first submission (tracker/submissions.py)."""

    key = Varchar(length=120, unique=True, index=True)  # the user's id and the form's token
    user_id = Integer(index=True)
    created_at = Timestamptz(index=True)
    location = Varchar(length=1000, null=True, default=None)  # where the first submission led


class JobRun(Table, tablename="job_run"):
    """One run of a scheduled job (tracker/jobs.py). `claim` is the job and its slot (a day, or a
    manual run's moment): unique, so among several workers or cron hosts only the one whose
    insert lands runs that slot."""

    claim = Varchar(length=120, unique=True, index=True)
    job = Varchar(length=60, index=True)
    slot = Varchar(length=60)
    started_at = Timestamptz(index=True)
    ended_at = Timestamptz(null=True, default=None)
    outcome = Varchar(length=20, default="running")  # running, succeeded, failed
    detail = Text(default="")
    worker = Varchar(length=120, default="")  # host and process id
