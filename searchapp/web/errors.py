"""Error responses: the site's look for pages, JSON for /api/, never internals.

A 500 says only that something went wrong (the traceback goes to the server log,
never to the client). A missing index is a setup problem, not a crash: it gets a
503 page that says how to fix it; so does an unreachable database of saved searches
(searching, which never touches it, keeps working).
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.wrappers import Response

from searchapp.errors import DatabaseProblem, IndexProblem

TITLES = {
    400: "请求有误",
    403: "无权操作",
    404: "找不到页面",
    405: "不支持的请求方式",
    409: "无法保存",
    413: "请求过大",
    500: "服务器内部错误",
    503: "服务暂不可用",
}
MESSAGES = {
    400: "请求参数有误。",
    403: "您无权进行此操作。",
    405: "该地址不支持这种请求方式。",
    413: "请求内容过大。",
    404: "您访问的页面或报告不存在，可能链接有误，或该报告已不在索引中。",
    500: "服务器处理请求时出错了。请稍后再试；如果问题持续，请联系管理员。",
}
INDEX_MISSING = "检索索引尚未建立或无法读取。管理员可运行 `searchapp reindex` 建立索引后再访问。"
DATABASE_DOWN = "保存的检索暂时无法读取或保存（数据库不可用）。检索不受影响；请稍后再试。"


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/feed"


def render_error(status: int, message: str, details: list[str] | None = None) -> Response:
    """One renderer for every error, so pages and the API say the same thing."""
    title = TITLES.get(status, "出错了")
    if _wants_json():
        body = jsonify({"error": {"status": status, "title": title, "message": message,
                                  "details": details or []}})
    elif request_ctx.url_adapter is None:  # an untrusted Host: no link can be built
        text = "\n".join([f"{status} {title}：{message}", *(details or [])]) + "\n"
        body = Response(text, mimetype="text/plain")
    else:
        body = render_template("error.html", status=status, title=title, message=message,
                               details=details or [])
    return make_response(body, status)


def bad_params(errors: list[str]) -> Response:
    """search.from_params found bad values: list every problem, status 400."""
    return render_error(400, "检索参数有误，请检查链接。", errors)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status >= 500:
        return render_error(status, MESSAGES[500])
    custom = error.description != type(error).description  # ours are Chinese; werkzeug's not
    message = error.description if custom else MESSAGES.get(status, "请求无法处理。")
    return render_error(status, message or "")


def _index_missing(_error: Exception) -> Response:
    return render_error(ServiceUnavailable.code, INDEX_MISSING)


def _database_down(error: Exception) -> Response:
    current_app.logger.error("saved searches unavailable: %s", error)
    return render_error(ServiceUnavailable.code, DATABASE_DOWN)


def _unexpected(_error: Exception) -> Response:
    return render_error(InternalServerError.code, MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexProblem, _index_missing)
    app.register_error_handler(DatabaseProblem, _database_down)
    app.register_error_handler(InternalServerError, _unexpected)
