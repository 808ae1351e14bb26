"""Responses travel compressed and versioned static files are cached for a year."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from . import factories


@pytest.fixture
def someone(app):
    # Until somebody exists every page redirects to the first-run form.
    return factories.PersonFactory(roles=["manager"])


def test_pages_are_brotli_encoded_for_browsers_and_gzip_for_the_rest(client, someone):
    plain = client.get("/sign-in").get_data()
    assert b"<form" in plain

    br = client.get("/sign-in", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert br.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in br.headers["Vary"]
    assert brotli.decompress(br.get_data()) == plain
    assert len(br.get_data()) < len(plain) / 2

    gz = client.get("/sign-in", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.get_data()) == plain

    identity = client.get("/sign-in", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity.headers


def _bundle(client, kind: str) -> str:
    html = client.get("/sign-in").get_data(as_text=True)
    return re.search(rf'"(/static/gen/app\.[0-9a-f]+\.{kind})"', html).group(1)


@pytest.mark.parametrize("kind", ["css", "js"])
def test_bundles_are_compressed_and_kept_for_a_year_by_their_versioned_name(client, someone, kind):
    address = _bundle(client, kind)
    plain = client.get(address).get_data()
    response = client.get(address, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == plain
    cache = response.cache_control
    assert cache.public
    assert cache.immutable
    assert cache.max_age == 365 * 24 * 3600


def test_files_that_keep_their_name_are_kept_for_an_hour(client, someone):
    response = client.get("/static/icons/sprite.svg", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.cache_control.max_age == 3600
    assert not response.cache_control.immutable
    response.close()
