#!/usr/bin/env python3
"""A department's own system talking to Lianban (联办) — the example to start from.

Standard library only. The system is registered once by the bureau:

    lianban client add psb-system --department psb      # prints client_id and client_secret

then, with LIANBAN_URL, LIANBAN_CLIENT_ID and LIANBAN_CLIENT_SECRET set:

    department_client.py queue                 # the department's open items, nearest deadline first
    department_client.py show LB-20261206-0001 # what an application's items need: answers, materials
    department_client.py approve ITEM --certificate GA-2026-0001   # record our own system's decision
    department_client.py follow --after 0      # the event feed (CloudEvents), as it happens
    department_client.py listen --port 8099    # or have them pushed: a webhook receiver that
                                               # checks each signature (Standard Webhooks);
                                               # the bureau allows its host first:
                                               # lianban serve --webhook-hosts 127.0.0.1

Each call takes a fresh access token with the OAuth 2.0 client-credentials grant (a token lasts
15 minutes; a long-running system would keep one until it expires). Decisions carry the item's
row version (a stale one is refused with 412: read again) and an Idempotency-Key, so a retry
after a dropped connection is safe.
"""

import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


class Lianban:
    def __init__(self, url, client_id, secret):
        self.url = url.rstrip("/")
        self.client_id = client_id
        self.secret = secret
        self.token = None

    def _token(self):
        if self.token is None:
            pair = f"{urllib.parse.quote(self.client_id)}:{urllib.parse.quote(self.secret)}"
            req = urllib.request.Request(
                self.url + "/api/oauth/token",
                data=b"grant_type=client_credentials",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
                },
            )
            with urllib.request.urlopen(req) as res:
                self.token = json.load(res)["access_token"]
        return self.token

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self._token())
        req.add_header("Accept-Language", "zh-CN")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req) as res:
                return json.load(res)
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            raise SystemExit(f"{method} {path}: HTTP {e.code} {detail}")

    def queue(self):
        """The department's open items, nearest deadline first (every page)."""
        after = ""
        while True:
            page = self.call("GET", f"/api/staff/worklist?kind=items&state=open&limit=100{after}")
            for row in page["rows"]:
                for item in row["items"]:
                    yield row, item
            if not page.get("next"):
                return
            after = "&after=" + urllib.parse.quote(page["next"])

    def application(self, number):
        return self.call("GET", f"/api/staff/applications/{urllib.parse.quote(number)}")

    def approve(self, item_id, certificate):
        """Approves an item with the certificate number our own system gave it."""
        number, item = self._find(item_id)
        body = {"action": "approve", "version": item["version"], "before_licence": True}
        if certificate:
            body["certificate"] = certificate
        key = str(uuid.uuid4())
        return self.call("POST", f"/api/staff/items/{item_id}/review", body, {"Idempotency-Key": key})

    def _find(self, item_id):
        for row, item in self.queue():
            if item["id"] == item_id:
                return row["number"], item
        raise SystemExit(f"item {item_id} is not open in this department's queue")

    def events(self, after, wait=0):
        """Every event after `after`, page by page; returns the position to go on from."""
        while True:
            page = self.call("GET", f"/api/events?after={after}&limit=100&wait={wait}")
            for event in page["events"]:
                yield event
            if not page["events"]:
                self.next = page["next"]
                return
            after = page["next"]


def verified(secret, headers, body):
    """Whether a webhook delivery is ours: the Standard Webhooks signature over
    "id.timestamp.body" with the secret's key, sent within five minutes (no replay)."""
    msg_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    return any(hmac.compare_digest(expected, s) for s in headers.get("webhook-signature", "").split())


def listen(client, port, count):
    """Subscribes http://127.0.0.1:PORT/hook and prints each verified event; stops after
    `count` events (0: never)."""
    created = client.call("POST", "/api/webhooks", {"url": f"http://127.0.0.1:{port}/hook"})
    secret, seen = created["secret"], []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not verified(secret, self.headers, body):
                self.send_response(401)
                self.end_headers()
                return
            e = json.loads(body)
            print(f"{e['position']}\t{e['type']}\t{e['data']['application']}\tverified", flush=True)
            seen.append(e)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", port), Hook)
    print(f"listening\twebhook {created['webhook']['id']}", flush=True)
    while not count or len(seen) < count:
        server.handle_request()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("queue")
    show = sub.add_parser("show")
    show.add_argument("number")
    approve = sub.add_parser("approve")
    approve.add_argument("item", type=int)
    approve.add_argument("--certificate")
    follow = sub.add_parser("follow")
    follow.add_argument("--after", type=int, default=0)
    follow.add_argument("--wait", type=int, default=0, help="seconds to wait for new events (0: stop when caught up)")
    hook = sub.add_parser("listen")
    hook.add_argument("--port", type=int, required=True)
    hook.add_argument("--count", type=int, default=0, help="stop after this many events (0: never)")
    args = p.parse_args()

    env = os.environ
    client = Lianban(env["LIANBAN_URL"], env["LIANBAN_CLIENT_ID"], env["LIANBAN_CLIENT_SECRET"])
    if args.command == "queue":
        for row, item in client.queue():
            print(f"{item['id']}\t{row['number']}\t{item['item']}\t{item['status']}\tdue {item.get('due_on')}\t{row['business_name']}")
    elif args.command == "show":
        app = client.application(args.number)
        print(json.dumps({"items": app["items"], "answers": app["answers"], "materials": app["materials"]},
                         ensure_ascii=False, indent=2))
    elif args.command == "approve":
        decided = client.approve(args.item, args.certificate)
        print(f"approved item {args.item}: {json.dumps(decided.get('decision'), ensure_ascii=False)}")
    elif args.command == "follow":
        for e in client.events(args.after, args.wait):
            print(f"{e['position']}\t{e['type']}\t{e['subject']}\t{e['data']['application']}\t{e['data']['actor']}")
        print(f"next\t{client.next}")
    elif args.command == "listen":
        listen(client, args.port, args.count)


if __name__ == "__main__":
    sys.exit(main())
