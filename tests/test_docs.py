"""/docs works offline: every asset it references is served by Amanah itself."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_reference_only_local_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", page.text)
    assert urls and not [u for u in urls if u.startswith(("http://", "https://", "//"))]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/openapi.json").json()["info"]["title"] == "Amanah"
