"""Whether a meeting link is one we can put in emails, calendars and pages.

A link typed by staff or by a teacher goes out to teachers and lecturers as a link to
click, so only plain web addresses pass: http or https, a host name, nothing hidden.
Refused: other schemes (javascript:, data:, file:), credentials before the host (the old
trick https://zoom.us@elsewhere.example/ that lands on `elsewhere`), backslashes (which
browsers read as slashes), spaces, quotes and angle brackets, control and invisible
characters, anything but ASCII (a look-alike letter in a host name), and more than MEETING_URL_MAX characters.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _

from booking.lectures.models import MEETING_URL_MAX

# A host name: dot-separated labels of letters, digits and hyphens, ending in a name.
_HOST = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
# The characters a URL may hold as it is (RFC 3986): anything else comes percent-encoded.
_ALLOWED = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def meeting_link_problem(url: str) -> str | None:
    """Why `url` cannot be used as a meeting link, or None when it can."""
    if len(url) > MEETING_URL_MAX:
        return _("The link is too long: at most %(max)d characters.", max=MEETING_URL_MAX)
    if not _ALLOWED.fullmatch(url):
        return _(
            "Paste the link exactly as the video call service gives it: "
            "without spaces, line breaks or other characters around it."
        )
    try:
        parts = urlsplit(url)
        port = parts.port  # an odd port raises ValueError
    except ValueError:
        port, parts = None, None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return _("Enter a web address starting with https://, like https://zoom.us/j/1234567890.")
    if "@" in parts.netloc or port == 0:
        return _("Enter the link without a user name or password before the address.")
    if not _HOST.fullmatch(parts.hostname or ""):
        return _("Enter a web address starting with https://, like https://zoom.us/j/1234567890.")
    return None
