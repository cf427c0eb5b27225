"""Settings for Transition: one file, driven by the environment, safe by default.

Development (``make run``) sets DJANGO_DEBUG=1. Without it the app runs as in
production and refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-used-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
elif not SECRET_KEY or not ALLOWED_HOSTS:
    # Running without a real secret or with any Host accepted is never what an operator wants.
    raise ImproperlyConfigured("Set SECRET_KEY and ALLOWED_HOSTS (or DJANGO_DEBUG=1 for local development).")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    # The queue of background work (emails, digests): a table in the same database, run by `manage.py worker`.
    "django_tasks_db",
    "transition.accounts",
    "assessments",
    "roadmaps",
    "team",
    "privacy",
    # Management commands only (the benchmark, demo data); nothing imports it.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "transition.middleware.PrivatePagesMiddleware",
    # Last, as django-axes asks: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

if importlib.util.find_spec("django_migration_linter"):
    # A development tool (make lint): checks that migrations are safe to apply to a live database.
    INSTALLED_APPS.append("django_migration_linter")
MIGRATION_LINTER_OPTIONS = {"no_cache": True}

ROOT_URLCONF = "transition.urls"
WSGI_APPLICATION = "transition.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "transition.context_processors.site",
            ],
            "builtins": ["django_htmx.templatetags.django_htmx", "django.templatetags.static"],
        },
    },
]

# SQLite file by default; DATABASE_URL (postgres://...) for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that accepts connections and never answers must not hold a request until gunicorn kills the
# worker: the connection attempt and every statement have a limit, and the app answers with its own error page.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "5000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = DB_CONNECT_TIMEOUT
    # statement_timeout stops a query the server runs too long; the TCP keepalive and user timeout stop
    # waiting on a server that went silent mid-query (statement_timeout needs a server that still answers).
    DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
    DATABASES["default"]["OPTIONS"]["tcp_user_timeout"] = DB_STATEMENT_TIMEOUT_MS + 1000
    DATABASES["default"]["OPTIONS"]["keepalives"] = 1
    DATABASES["default"]["OPTIONS"]["keepalives_idle"] = 5
    DATABASES["default"]["OPTIONS"]["keepalives_interval"] = 2
    DATABASES["default"]["OPTIONS"]["keepalives_count"] = 2

# Background work (emails, monthly digests) is a row in the database, run by `python manage.py worker`
# (django-tasks-db); the request that asks for it only writes the row, in its own transaction.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A failing task is tried TASK_MAX_ATTEMPTS times in all, waiting TASK_RETRY_SECONDS, then twice as long each
# time (capped at an hour); then it is kept as failed, for staff to see in the admin. A task still marked as
# running TASK_LEASE_SECONDS after it started belonged to a worker that died, and is run again.
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "6"))
TASK_RETRY_SECONDS = float(os.environ.get("TASK_RETRY_SECONDS", "60"))
TASK_LEASE_SECONDS = float(os.environ.get("TASK_LEASE_SECONDS", "300"))
# /readyz says "queue": "behind" when more tasks than this are due and waiting: the workers are not keeping up.
QUEUE_BACKLOG_ALERT = int(os.environ.get("QUEUE_BACKLOG_ALERT", "1000"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in person and the header's counts in one query.
    "transition.accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# Brute-force protection: lock a username *from one address* for a while, so an
# attacker is stopped but one office behind a NAT is not locked out as a whole.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures on one account from all addresses together, within the cool-off, before it is paused.
ACCOUNT_FAILURE_LIMIT = int(os.environ.get("ACCOUNT_FAILURE_LIMIT", "20"))
AXES_USERNAME_CALLABLE = "transition.accounts.throttling.login_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# The app is written in British English and never switches language. With translation off, every number,
# date and format a page draws finds its language without the lookup (a thread-local miss, raised and
# caught) that cost a few microseconds each: a hundred-odd times a results page. Formats stay en-GB's.
USE_I18N = False
USE_TZ = True

# No page keeps a cache: what never changes (a finished assessment's results) is stored on its row when it
# is made, and the results page and the dashboard read that snapshot. Django's in-memory cache stays the
# default for what asks for one (nothing of the app's own); 500 entries bound what a worker holds.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "transition",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
# With a Redis that every app server shares (REDIS_URL, e.g. redis://127.0.0.1:6379/0), sessions are read
# from it and written through to the database (cached_db): the session table is no longer read on every
# request. A shared cache holds every live session (a few hundred bytes each), so after sign-in it is a hit.
# Without REDIS_URL, sessions stay in the database alone: a per-process cache would mostly miss at the real
# size. A Redis that is down or unreachable then answers 503, like the database, and /readyz says so.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES["sessions"] = {
        "BACKEND": "transition.lib.redis_cache.ReusingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "transition",
        "OPTIONS": {"socket_connect_timeout": DB_CONNECT_TIMEOUT, "socket_timeout": DB_CONNECT_TIMEOUT},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

MAILERS: dict[str, dict[str, object]]
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    _email_backend = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    MAILERS = {"default": {"BACKEND": _email_backend}}
    if _email_backend.endswith("smtp.EmailBackend"):
        # Connection options belong to the SMTP backend only; others refuse unknown options.
        MAILERS["default"]["OPTIONS"] = {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            # Seconds to wait on the mail server: without it a server that hangs holds a worker
            # until gunicorn kills it, and with it the emails still waiting in that worker.
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
        }

# Where the site is reached, for links in emails (transition.lib.http.site_url); set it in production.
# Unset, an email sent while answering a page links to the address that page was asked at, rather
# than to a guessed one that is wrong whenever the server runs elsewhere.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Transition <noreply@transition.invalid>")

# A strict Content Security Policy: nothing inline but the rare script that
# carries the per-request nonce, nothing from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    # Production sits behind TLS; these make the browser keep it that way.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is hard to undo, so it is an operator's explicit opt-in (see README).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# htmx settings that a strict CSP needs; rendered into a <meta> tag by _base.html.
HTMX_CONFIG = (
    '{"includeIndicatorStyles":false,"allowEval":false,"historyRestoreAsHxRequest":false,'
    # 422 (and 400) answers carry a message to show in place, so they are swapped like successes.
    '"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},'
    '{"code":"400|422","swap":true,"error":false},{"code":"[45]..","swap":false,"error":true}]}'
)

# ---- Identity: single sign-on, two-factor sign-in, directory provisioning (transition.identity) -------------
# django-allauth runs the OpenID Connect and SAML side and keeps TOTP authenticators; password sign-in stays
# Django's own view (wrapped by transition.identity.views.sign_in), so django-axes still counts its failures.
from transition.identity.config import form_action_origins, social_providers_from_env  # noqa: E402

INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "transition.identity",
]
MIDDLEWARE[MIDDLEWARE.index("axes.middleware.AxesMiddleware") : 0] = [
    "allauth.account.middleware.AccountMiddleware",
    "transition.identity.middleware.TwoFactorRequiredMiddleware",
]
ACCOUNT_ADAPTER = "transition.identity.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "transition.identity.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Link an SSO identity to an existing account by email only when the provider verified that email, and only
# within the provider's own domains (SocialAccountAdapter.can_authenticate_by_email).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # starting a sign-in is a POST with a CSRF token
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = social_providers_from_env(os.environ)
# Chromium applies form-action to the redirect after the sign-in POST, so each provider's origin is allowed,
# and SSO_FORM_ACTION_ORIGINS adds those of providers configured in the admin.
SECURE_CSP["form-action"] = [
    CSP.SELF,
    *form_action_origins(SOCIALACCOUNT_PROVIDERS),
    *env_list("SSO_FORM_ACTION_ORIGINS"),
]
MFA_ADAPTER = "transition.identity.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Security keys and passkeys as a second factor only (no passwordless sign-in). http://localhost is a secure
# origin already; any other plain-http origin is accepted only while developing.
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Transition"
MFA_RECOVERY_CODE_COUNT = 10
