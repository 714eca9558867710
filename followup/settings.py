"""Django settings. Everything a user may change comes from environment variables (followup.env)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from followup.env import (
    check_encryption_key,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_site_url,
    env_str,
    followup_home,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
# The zone this computer is set to, read before Django replaces TZ with TIME_ZONE below (the
# first-run set-up and a new profile suggest it: followup.lib.zones.local_zone_name).
SYSTEM_TZ = env_str("TZ")
HOME = followup_home()

SECRET_KEY = secret_key(HOME)
check_encryption_key()
DEBUG = env_bool("FOLLOWUP_DEBUG", False)
# Hosted mode: real accounts with passwords, many users (career centres, agencies).
HOSTED = env_bool("FOLLOWUP_HOSTED", False)
ALLOWED_HOSTS = env_list(
    "FOLLOWUP_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("FOLLOWUP_CSRF_TRUSTED_ORIGINS", [])
# The site's address as links in the digest, pushes and calendar feed carry it. Empty: the
# address `followup serve` recorded in HOME (followup.core.site.site_url() decides).
SITE_URL = env_site_url("FOLLOWUP_SITE_URL")
# Hosted mode refuses mail servers on this machine or a private network (followup.lib.netguard:
# "Test connection" must not scan the hosting network); these host names are let through (a
# relay on the same host, an internal mail server the operator trusts).
FOLLOWUP_OUTBOUND_ALLOWED_HOSTS = env_list("FOLLOWUP_OUTBOUND_ALLOWED_HOSTS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Login throttling for hosted sign-in (its AccessAttempt table counts failures).
    "axes",
    "followup.core",
    "followup.mail",
    "followup.front",
    "followup.notify",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.htmx: what htmx asked for (HX-Request, HX-Target...), read in one place.
    "django_htmx.middleware.HtmxMiddleware",
    # A new user opening Today is shown the first-run set-up (name, signature, zone, country).
    "followup.front.setup.FirstRunMiddleware",
    # Last, as django-axes documents: it turns a refused (locked-out) sign-in into our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "followup.urls"
WSGI_APPLICATION = "followup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(env_str("DATABASE_URL"), HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/login/"
# Django's own database sessions and ModelBackend: password changes, deactivation and sign-out
# end a session exactly as Django documents it (hosted mode relies on that).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# django-axes' standalone backend first: it refuses a locked-out sign-in before ModelBackend
# checks the password (the one-time-token sign-in of local mode names ModelBackend itself).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Hosted sign-in: after FOLLOWUP_LOGIN_FAILURE_LIMIT wrong passwords for one user name, sign-in
# for that name is refused for FOLLOWUP_LOGIN_COOLOFF_MINUTES. Counted per user name, not per
# address: behind a proxy every user shares one address, and a guesser changes address anyway.
AXES_FAILURE_LIMIT = env_int("FOLLOWUP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FOLLOWUP_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the client address in the lockout key. Here that would pause sign-in for a
# whole career centre behind one NAT after five typos; a guesser of one account is stopped by the
# user name alone (rotating addresses or browsers does not reset it).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "followup.front.views.login_locked_out"
# Failures are what throttling needs; a row per successful sign-in is not kept.
AXES_DISABLE_ACCESS_LOG = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Hosted behind HTTPS: cookies only over HTTPS, and browsers told to use nothing else (HSTS,
# a year unless FOLLOWUP_HSTS_SECONDS says otherwise; 0 turns it off). Off by default: the local
# app is plain http://127.0.0.1, where Secure cookies would never be sent back.
HTTPS = env_bool("FOLLOWUP_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("FOLLOWUP_HSTS_SECONDS", 31536000) if HTTPS else 0
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips what a client sent): a
# client could otherwise claim HTTPS.
if env_bool("FOLLOWUP_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FOLLOWUP_LOG_LEVEL", "WARNING")},
}
