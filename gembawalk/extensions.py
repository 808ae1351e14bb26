"""The Flask extensions, created here and bound to an app in create_app()."""

from typing import TYPE_CHECKING

from flask_assets import Environment
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The models subclass Model: db.Model to Python, and to mypy the typed Base that db.Model is
# made from at run time (mypy cannot take an attribute made at run time as a base class).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
assets = Environment()
compress = Compress()
# No default limits: only sign-in is throttled (see auth/throttle.py). The address is the
# client's own once ProxyFix has read the proxies' headers (GEMBAWALK_PROXY_HOPS).
limiter = Limiter(key_func=get_remote_address)
