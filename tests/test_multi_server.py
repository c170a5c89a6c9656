"""Several app servers, one PostgreSQL, one index: what one server saves, the others list
and open, for the same browser (its cookies), and the servers keep no state of their own."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from searchapp.web import owners


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One browser: its cookies go to every server (as behind one load balancer)."""

    def __init__(self) -> None:
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                                  NoRedirects)

    def get(self, url: str) -> tuple[int, str, str]:
        """Status, Location and body; redirects are not followed."""
        return self._open(urllib.request.Request(url))

    def post(self, url: str, form: dict[str, str]) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(url, data=data, method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()


def names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>', html)


@pytest.mark.slow
def test_a_search_saved_on_one_server_is_listed_and_opened_on_another(
        web_index: Path, postgres_url: str, start_server, tmp_path: Path) -> None:
    one, two = (start_server(["--index", str(web_index), "--database", postgres_url,
                              "--workers", "2"], tmp_path / f"instance-{n}") for n in (1, 2))
    browser = Browser()
    status, _, page = browser.get(f"{one.url}/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83")
    assert status == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    # the form came from server one; server two checks its token with the shared key
    status, location, _ = browser.post(f"{two.url}/saved",
                                       {"csrf_token": token, "name": "两台服务器", "q": "营商环境"})
    assert status == 303, location
    slug = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["created"][0]
    assert owners.COOKIE in {cookie.name for cookie in browser.cookies}

    assert names(browser.get(f"{one.url}/saved")[2]) == ["两台服务器"]
    assert names(browser.get(f"{two.url}/saved")[2]) == ["两台服务器"]
    assert names(Browser().get(f"{one.url}/saved")[2]) == []  # another browser: not its list
    status, location, _ = Browser().get(f"{one.url}/s/{slug}")  # short links: anyone, anywhere
    assert (status, location) == (302, "/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83")
    status, _, results = browser.get(one.url + location)
    assert status == 200 and "<mark>营商环境</mark>" in results

    logs = [server.stop() for server in (one, two)]
    assert all("保存的检索：postgresql://postgres@/searchapp?host=" in log for log in logs)
    assert not any(log for log in logs if "Traceback" in log)
    assert not any((tmp_path / f"instance-{n}").exists() for n in (1, 2))  # stateless
