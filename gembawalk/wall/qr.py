"""The wall's QR code, drawn here (segno: pure Python, SVG out), so no address ever goes to a
third-party QR service."""

from __future__ import annotations

import io

import segno
from flask_babel import gettext as _


def qr_svg(address: str) -> bytes:
    """An SVG QR code for `address`, error correction M (a poster survives a scuff)."""
    code = segno.make(address, error="m", micro=False)
    out = io.BytesIO()
    # A viewBox and no fixed size, so the poster may draw it as large as the sheet allows.
    code.save(
        out,
        kind="svg",
        scale=8,
        border=4,
        xmldecl=False,
        omitsize=True,
        title=_("QR code for this wall"),
    )
    return out.getvalue()
