"""Flask extensions, created unbound; `create_app` binds them to the app."""

import logging

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from booking.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
# No default limits: each limited route says its own. Storage comes from the config.
limiter = Limiter(key_func=get_remote_address)
# Its warnings (the shared store unreachable, counting in memory) go to the app's log. Its
# INFO lines name the client's address (the key of a limit), so they are never written.
limiter.logger = logging.getLogger("booking.ratelimit")
limiter.logger.setLevel(logging.WARNING)
