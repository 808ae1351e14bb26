"""Gemba Walk: plan, record and review customer visits and gemba walks."""

from __future__ import annotations

from flask import Flask

from . import config as settings
from .extensions import csrf, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings first, then extensions, blueprints, error pages and commands."""
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path()),
        static_folder=str(settings.resource_dir("static")),
        template_folder=str(settings.resource_dir("templates")),
    )
    app.config.from_mapping(settings.from_environment())
    if config:
        # Tests and tools pass explicit settings that win over the environment.
        app.config.from_mapping(config)

    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_templates(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers every table before migrations look)
    from .assets import init_assets
    from .auth.session import init_login
    from .database import init_database
    from .delivery import init_delivery
    from .extensions import db
    from .i18n import init_i18n
    from .security import init_security
    from .services.engagement import touched

    init_database(app)
    init_security(app)  # first: its body limit must act before the CSRF check reads a body
    touched.track()  # engagement days follow every walk and observation written
    # Batch mode lets SQLite alter tables; compare_type keeps column types honest.
    migrate.init_app(
        app,
        db,
        directory=str(settings.resource_dir("migrations")),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    init_login(app)
    init_i18n(app)
    init_assets(app)
    init_delivery(app)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .api import create_api
    from .auth.single_sign_on import bp as sso_bp
    from .auth.views import bp as auth_bp
    from .calendar.views import bp as calendar_bp
    from .coaching.views import bp as coaching_bp
    from .conflicts.views import bp as conflicts_bp
    from .demand.views import bp as demand_bp
    from .engagement.views import bp as engagement_bp
    from .followups.views import bp as followups_bp
    from .main.views import bp as main_bp
    from .notifications.views import bp as notifications_bp
    from .pwa.views import bp as pwa_bp
    from .questions.views import bp as questions_bp
    from .walks.views import bp as walks_bp
    from .wall.views import bp as wall_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(walks_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(coaching_bp)
    app.register_blueprint(followups_bp)
    app.register_blueprint(demand_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(create_api())
    app.register_blueprint(calendar_bp)
    app.register_blueprint(engagement_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(conflicts_bp)
    app.register_blueprint(wall_bp)


def register_errors(app: Flask) -> None:
    from .errors import init_errors

    init_errors(app)


def register_templates(app: Flask) -> None:
    from .templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from .cli import bp as cli_bp

    app.register_blueprint(cli_bp)
