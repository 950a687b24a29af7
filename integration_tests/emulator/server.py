"""The HTTP side: a threaded server that answers like Twilio's REST hosts.

``/{product}/{path}`` is what ``https://{product}.twilio.com/{path}`` serves (see
routes.py).  Per request, in order:

1. route lookup (unknown path -> 404, code 20404, Twilio's JSON error body);
2. HTTP Basic auth: an active account's SID + its own auth token, or an API key
   (Standard or Main) SID + secret; failure -> 401 code 20003.  The 2010 API reads
   the account in the path (the main account and its Main key may read subaccounts;
   Standard keys may not, nor may they read Accounts or Keys); product hosts read the
   account the credentials belong to (auth.py);
3. "forbidden" rules (a stream answering 403/404 for one account);
4. per-account concurrency limit (-> 429 code 20429), latency, injected 429 / 5xx;
5. the page: filters, paging, envelope -- rendered with orjson and kept in an LRU
   keyed by (world version, account, URL) so repeated reads cost a dict lookup;
6. optionally the connection is dropped half-way through the body.
"""
from __future__ import annotations

import email.utils
import random
import socket
import sys
import threading
import time
import traceback
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import orjson

from . import api2010 as A
from . import products as P
from . import routes
from .auth import authorize
from .events import AccountEvents
from .catalog import Catalog, Ctx
from .control import Knobs, Stats
from .errors import HttpError, error_body  # noqa: F401 - re-exported
from .listing import FilterError, parse_filters
from .pages import (
    decode_token,
    envelope_2010,
    envelope_v1,
    filter_qs,
    parse_paging,
    select,
)
from .truth import UnknownStream, truth
from .world import Account, World

JSON = "application/json; charset=utf-8"


class PageCache:
    """LRU of rendered response bodies with a byte budget."""

    def __init__(self, mb: float):
        self.budget = int(mb * 1024 * 1024)
        self.size = 0
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            v = self.data.get(key)
            if v is not None:
                self.data.move_to_end(key)
            return v

    def put(self, key, value: tuple[bytes, int]) -> None:
        n = len(value[0])
        if n > self.budget // 4:
            return
        with self.lock:
            if key in self.data:
                return
            self.data[key] = value
            self.size += n
            while self.size > self.budget and self.data:
                _, (old, _) = self.data.popitem(last=False)
                self.size -= len(old)

    def clear(self, mb: float | None = None) -> None:
        with self.lock:
            self.data.clear()
            self.size = 0
            if mb is not None:
                self.budget = int(mb * 1024 * 1024)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, world: World, knobs: Knobs | None = None, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), Handler)
        self.world = world
        self.knobs = knobs or Knobs()
        self.catalog = Catalog(world, self.knobs)
        self.stats = Stats()
        self.cache = PageCache(self.knobs.cache_mb)
        self.events = AccountEvents()
        self.rng = random.Random(self.knobs.fault_seed)
        self.rng_lock = threading.Lock()
        self.world_lock = threading.Lock()  # control calls that change the world, one at a time
        self.base_url = f"http://{host}:{self.server_port}"

    def handle_error(self, request, client_address) -> None:
        # A client that hangs up mid-response (a killed sync, a dropped-connection test) is not an emulator error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

    def roll(self) -> float:
        with self.rng_lock:
            return self.rng.random()

    def configure(self, values: dict) -> dict:
        self.knobs.update(values)
        self.events.reset(self.world, values)
        self.cache.clear(self.knobs.cache_mb)  # rendered pages may depend on any knob (orders, bounds, limits)
        if "fault_seed" in values:
            with self.rng_lock:
                self.rng = random.Random(self.knobs.fault_seed)
        return self.knobs.as_dict()

    def advance(self, minutes: float, new_per_account: int = 0, new_small: int | None = None) -> dict:
        with self.world_lock:
            self.world.advance(minutes, new_per_account, new_small)
        self.cache.clear()
        return self.world.describe()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: EmulatorServer
    server_version = "EmulatedTwilio/1.0"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def date_time_string(self, timestamp=None) -> str:
        """The `Date` header is Twilio's clock, which is the world's "now" (every record is dated at or before it),
        not this machine's: an origin server with a clock sends the time it generated the response (RFC 9110,
        section 6.6.1), and Twilio's records are dated by Twilio's clock. A world whose now is behind the real time
        is a Twilio whose clock is behind the connector's."""
        return email.utils.formatdate(self.server.world.state.now, usegmt=True)

    # ------------------------------------------------------------------ plumbing
    def _send(self, status: int, body: bytes, headers: dict | None = None, drop: bool = False,
              content_type: str = JSON, trickle: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Twilio-Request-Id", "RQ%032x" % random.getrandbits(128))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if drop:
            self.send_header("Connection", "close")
        self.end_headers()
        if trickle:
            step = max(1, self.server.knobs.trickle_bytes)
            for start in range(0, len(body), step):
                self.wfile.write(body[start:start + step])
                self.wfile.flush()
                time.sleep(self.server.knobs.trickle_ms / 1000.0)
            return
        if drop:
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(body)

    def _send_json(self, status: int, obj, headers: dict | None = None) -> None:
        self._send(status, orjson.dumps(obj), headers)

    def _body_json(self) -> dict:
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw.strip():
            return {}
        return orjson.loads(raw)

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path, _, qs = self.path.partition("?")
        if path.startswith("/__emulator"):
            try:
                self._control(method, path, qs)
            except HttpError as e:
                self._send_json(e.status, error_body(e.status, e.code, e.message))
            except (ValueError, KeyError, TypeError) as e:
                self._send_json(400, error_body(400, 20001, f"bad control request: {e}"))
            return
        self._api(method, path, qs)

    # ------------------------------------------------------------------ auth
    # ------------------------------------------------------------------ API requests
    def _api(self, method: str, path: str, qs: str) -> None:
        srv = self.server
        knobs = srv.knobs
        _, _, rest = path.partition("/")
        product, slash, sub = rest.partition("/")
        found = routes.match(product, "/" + sub) if slash else None
        if found is None:
            self._send_json(404, error_body(404, 20404, f"The requested resource /{sub} was not found"))
            srv.stats.done("unknown", 404, 0, 0)
            return
        route, groups = found
        try:
            self._api_route(method, route, groups, qs, sub, product)
        finally:
            if srv.events.answered(srv.world, knobs, groups.get("ac"), self.headers.get("Authorization") or ""):
                srv.cache.clear()  # Accounts.json and the account's pages show its new token or status

    def _api_route(self, method: str, route: routes.Route, groups: dict, qs: str, sub: str, product: str) -> None:
        srv = self.server
        knobs = srv.knobs
        names = [name for name, _ in parse_qsl(qs, keep_blank_values=True)]
        if len(names) != len(set(names)):
            srv.stats.bump("repeated_params")
            if knobs.reject_repeated_params:
                repeated = sorted({name for name in names if names.count(name) > 1})
                self._send_json(400, error_body(400, 20001, f"Query parameter given more than once: {', '.join(repeated)}"))
                srv.stats.done(route.stream, 400, 0, 0)
                return
        if method != "GET":
            self._send_json(405, error_body(405, 20004, "Method not allowed"))
            srv.stats.done(route.stream, 405, 0, 0)
            return
        try:
            acc = self._authorize(route, groups)
        except HttpError as e:
            self._send_json(e.status, error_body(e.status, e.code, e.message), e.headers)
            srv.stats.done(route.stream, e.status, 0, 0)
            return
        acc_sid = acc.sid if acc is not None else None
        limit_key = acc_sid or "global"
        if not srv.stats.enter(limit_key, knobs.max_concurrency):
            headers = {"Retry-After": "%g" % knobs.retry_after} if knobs.retry_after is not None else {}
            self._send_json(429, error_body(429, 20429, "Too Many Requests: concurrency limit exceeded"), headers)
            srv.stats.done(route.stream, 429, 0, 0)
            return
        try:
            self._serve(route, groups, acc, qs, "/" + sub, product)
        finally:
            srv.stats.leave(limit_key)

    def _authorize(self, route: routes.Route, groups: dict) -> Account | None:
        return authorize(self.server.world, self.server.knobs, route, groups,
                         self.headers.get("Authorization") or "", self.path.split("?")[0])

    def _faults_apply(self, stream: str) -> bool:
        fs = self.server.knobs.fault_streams
        return fs is None or stream in fs

    def _serve(self, route: routes.Route, groups: dict, acc: Account | None, qs: str, path: str, product: str) -> None:
        srv = self.server
        knobs = srv.knobs
        stats = srv.stats
        if knobs.latency_ms:
            time.sleep(knobs.latency_ms / 1000.0)
        faulty = self._faults_apply(route.stream)
        if faulty and knobs.rate_429 and srv.roll() < knobs.rate_429:
            stats.bump("injected_429")
            headers = {"Retry-After": "%g" % knobs.retry_after} if knobs.retry_after is not None else {}
            self._send_json(429, error_body(429, 20429, "Too Many Requests"), headers)
            stats.done(route.stream, 429, 0, 0)
            return
        if faulty and knobs.redirect_to:
            self._send(307, b"", {"Location": knobs.redirect_to.rstrip("/") + self.path})
            stats.done(route.stream, 307, 0, 0)
            return
        if faulty and knobs.rate_5xx and srv.roll() < knobs.rate_5xx:
            stats.bump("injected_5xx")
            status = (500, 502, 503)[int(srv.roll() * 3) % 3]
            if knobs.html_5xx:
                status = (502, 503, 504)[int(srv.roll() * 3) % 3]
                page = f"<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center><hr><center>nginx</center></body></html>"
                self._send(status, page.encode(), content_type="text/html")
            elif status == 502:
                self._send(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html")
            else:
                msg = "Internal Server Error" if status == 500 else "Service Unavailable"
                self._send_json(status, error_body(status, 20000 + status, msg))
            stats.done(route.stream, status, 0, 0)
            return
        state = srv.world.state
        key = (state.version, acc.sid if acc else None, self.path)
        cached = srv.cache.get(key)
        if cached is not None:
            stats.bump("cache_hits")
            body, nrec = cached
            status = 200
        else:
            stats.bump("cache_misses")
            try:
                obj, nrec = self._render(route, groups, acc, qs, path, product, state)
                body = orjson.dumps(obj)
                status = 200
                srv.cache.put(key, (body, nrec))
            except HttpError as e:
                body, nrec, status = orjson.dumps(error_body(e.status, e.code, e.message)), 0, e.status
            except FilterError as e:
                body, nrec, status = orjson.dumps(error_body(400, e.code, str(e))), 0, 400
            except Exception as e:  # an emulator bug: answer like a Twilio 500 and say why
                traceback.print_exc()
                body, nrec, status = orjson.dumps(error_body(500, 20500, f"emulator error: {e!r}")), 0, 500
        if status == 200 and faulty and knobs.garbage_rate and srv.roll() < knobs.garbage_rate:
            stats.bump("garbage")
            body, nrec = body[: len(body) // 2], 0  # a proxy or a bug cut the JSON: the client must ask again
        if status == 200 and faulty:
            body = self._tamper(body)
            if knobs.not_a_page_rate and srv.roll() < knobs.not_a_page_rate:
                stats.bump("not_a_page")
                body, nrec = not_a_page(body, knobs.not_a_page, stats.not_a_page), 0
        trickle = bool(status == 200 and faulty and knobs.trickle_rate and srv.roll() < knobs.trickle_rate)
        if trickle:
            stats.bump("trickled")
        drop = status == 200 and faulty and knobs.drop_rate and srv.roll() < knobs.drop_rate
        if drop:
            stats.bump("dropped")
        headers = {"Twilio-Concurrent-Requests": str(stats.account_in_flight.get(acc.sid if acc else "global", 0))}
        self._send(status, body, headers, drop=bool(drop), trickle=trickle)
        stats.done(route.stream, status, nrec if status == 200 and not drop else 0, len(body))

    def _tamper(self, body: bytes) -> bytes:
        """The valid-but-odd JSON and foreign next links of the transport-fault knobs, written into a rendered page."""
        knobs = self.server.knobs
        if knobs.lone_surrogate:
            body = body.replace(b'"body":"', b'"body":"hi \\ud83d', 1)
        if knobs.odd_json and b"[{" in body:
            nested = b"[" * 64 + b'{"deep":true}' + b"]" * 64
            odd = (b'"odd_exponent":1.5e3,"odd_small":-2.5E-7,"odd_huge":123456789012345678901234567890,"odd_nested":'
                   + nested + b',"sid":"duplicate key, overwritten by the real one",')
            at = body.index(b"[{") + 2
            body = body[:at] + odd + body[at:]
        if knobs.foreign_next_link:
            foreign = knobs.foreign_next_link.rstrip("/").encode()
            body = body.replace(b'"next_page_uri":"/', b'"next_page_uri":"' + foreign + b"/")
            body = body.replace(b'"next_page_url":"' + self.server.base_url.encode(), b'"next_page_url":"' + foreign)
        return body

    # ------------------------------------------------------------------ page rendering
    def _render(self, route: routes.Route, groups: dict, acc: Account | None, qs: str, path: str,
                product: str, state) -> tuple[dict, int]:
        srv = self.server
        world, cat, knobs = srv.world, srv.catalog, srv.knobs
        ctx = Ctx(world, state, acc)
        parent = groups.get("parent")
        params = parse_qsl(qs, keep_blank_values=True)
        if route.kind == "object":
            obj = self._object(route, ctx, parent, groups.get("item"))
            if obj is None:
                raise HttpError(404, 20404, f"The requested resource {path} was not found")
            return obj, 1
        if route.kind == "countries":
            items = A.available_countries(acc)
            return {"countries": items, "uri": path}, len(items)
        if route.kind == "accounts":
            if acc is None:
                visible = world.accounts
            else:
                visible = [a for a in world.accounts if a.sid == acc.sid or a.parent_sid == acc.sid]
            coll = cat.build("accounts", ctx, extra={"accounts": visible})
        else:
            coll = cat.build(route.stream, ctx, parent, {"execution": groups.get("execution"), "task": groups.get("task"),
                                                         "query": dict(params), "operators": route.variant})
        if coll is None:
            raise HttpError(404, 20404, f"The requested resource {path} was not found")
        pdict = dict(params)
        pp = parse_paging(pdict, route.max_page_size, knobs.require_page_token and route.kind != "numbers",
                          knobs.page_size_over_max)
        if knobs.page_size_cap and pp.size > knobs.page_size_cap:
            pp.size = knobs.page_size_cap  # a test's knob, not Twilio's behaviour (control.py)
        if route.kind == "numbers":
            items = [coll.record(i)[0] for i in range(min(len(coll), pp.size))]
            return {"available_phone_numbers": items, "uri": path}, len(items)
        q = parse_filters(params, route.filters, state.now, knobs)
        if route.prepare:
            route.prepare(ctx, q, knobs)
        if route.validate:
            route.validate(ctx, q, knobs)
        if q.order:
            coll.order = q.order
        lo, hi = coll.narrow(q.ranges, q.equals)
        if route.stream == "alerts":
            routes.alerts_page_limit(pp.page, pp.size, knobs)
        cursor, backward = (None, False)
        if pp.token:
            cursor, backward = decode_token(pp.token)
        sl = select(coll, q, lo, hi, pp.size, cursor, backward, pp.page)
        if route.present:
            sl.records = [route.present(item, knobs) for item in sl.records]
        fqs = filter_qs(params)
        if route.style == "2010":
            env = envelope_2010(coll.key, sl.records, path, fqs, pp, sl)
        else:
            env = envelope_v1(coll.key, sl.records, f"{srv.base_url}/{product}{path}", fqs, pp, sl)
        return env, len(sl.records)

    def _object(self, route: routes.Route, ctx: Ctx, parent: str | None, item: str | None):
        world = self.server.world
        if route.product == "taskrouter":
            return self.server.catalog.taskrouter_record(route.stream, ctx, parent, item)
        if route.stream == "account_balance":
            return A.balance(world, ctx.acc)
        if route.stream == "accounts":
            return A.accounts_list(world, [ctx.acc]).record(0)[0]
        if route.stream == "pricing_messaging_countries":
            return P.pricing_messaging_country(world.config.seed, parent)
        if route.stream == "pricing_voice_countries":
            return P.pricing_voice_country(world.config.seed, parent)
        return None

    # ------------------------------------------------------------------ control API
    def _control(self, method: str, path: str, qs: str) -> None:
        srv = self.server
        params = dict(parse_qsl(qs, keep_blank_values=True))
        route = path[len("/__emulator"):].rstrip("/") or "/"
        if route == "/health":
            return self._send_json(200, {"ok": True, "url": srv.base_url})
        if route == "/world" and method == "GET":
            d = srv.world.describe()
            d["url"] = srv.base_url
            d["products"] = routes.PRODUCTS
            return self._send_json(200, d)
        if route == "/truth" and method == "GET":
            stream = params.get("stream")
            if not stream:
                raise HttpError(400, 20001, "stream parameter is required")
            try:
                res = truth(srv.world, srv.catalog, stream, since=params.get("since"), cursor=params.get("cursor"),
                            keys=params.get("keys", "1") not in ("0", "false"),
                            retention_days=srv.knobs.monitor_retention_days, account=params.get("account"),
                            suspended_readable=srv.knobs.suspended_subaccount_reads == "readable",
                            messages_retention_days=srv.knobs.messages_retention_days)
            except UnknownStream:
                raise HttpError(404, 20404, f"unknown stream {stream!r}") from None
            return self._send_json(200, res)
        if route == "/advance" and method == "POST":
            body = self._body_json()
            d = srv.advance(float(body.get("minutes", 0)), int(body.get("new_per_account", 0)), body.get("new_small"))
            return self._send_json(200, {"now": d["now"], "version": d["version"], "world": d})
        if route == "/subaccounts" and method == "POST":
            with srv.world_lock:
                acc = srv.world.add_subaccount(**self._body_json())
            srv.cache.clear()
            d = srv.world.describe()
            return self._send_json(200, {"account": next(a for a in d["accounts"] if a["sid"] == acc.sid), "world": d})
        if route == "/config":
            if method == "POST":
                return self._send_json(200, srv.configure(self._body_json()))
            return self._send_json(200, srv.knobs.as_dict())
        if route == "/stats" and method == "GET":
            return self._send_json(200, srv.stats.as_dict())
        if route == "/stats/reset" and method == "POST":
            srv.stats.reset()
            return self._send_json(200, srv.stats.as_dict())
        if route == "/routes" and method == "GET":
            return self._send_json(200, [{"product": r.product, "path": r.path, "max_page_size": r.max_page_size, "params": r.params, "stream": r.stream} for r in routes.ROUTES])
        raise HttpError(404, 20404, f"unknown control endpoint {method} {path}")


NOT_A_PAGE = ("{}", "[]", "string", "no_list", "no_envelope")


def not_a_page(body: bytes, shape: str, count: int) -> bytes:
    """A 200's body as a proxy or cache might return it: valid JSON, but no Twilio page (`shape` "mixed" cycles)."""
    if shape == "mixed":
        shape = NOT_A_PAGE[count % len(NOT_A_PAGE)]
    if shape in ("{}", "[]"):
        return shape.encode()
    if shape == "string":
        return b'"OK"'
    page = orjson.loads(body)
    if shape == "no_list":
        for key in [key for key, value in page.items() if isinstance(value, list)]:
            del page[key]
    else:
        for key in ("meta", "next_page_uri", "previous_page_uri", "first_page_uri", "page", "page_size", "start", "end", "uri"):
            page.pop(key, None)
    return orjson.dumps(page)


def serve_in_thread(server: EmulatorServer) -> threading.Thread:
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True, name="twilio-emulator")
    t.start()
    return t
