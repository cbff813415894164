"""Prepares a running server for the benchmark: staff accounts exist already; files a
restaurant application, accepts it and approves its business registration, so that a licence
and its public verify page exist. Prints the verify page's path."""
import json
import sys
import urllib.request

base, password = sys.argv[1], sys.argv[2]


def call(method, path, body=None, cookie=None):
    req = urllib.request.Request(base + path, method=method)
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("content-type", "application/json")
    if cookie:
        req.add_header("cookie", cookie)
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read() or b"null"), res.headers


def login(user):
    _, headers = call("POST", "/api/staff/login", {"username": user, "password": password})
    return headers["set-cookie"].split(";")[0]


answers = json.load(open(sys.argv[3]))
# A name of its own: the filings measured reuse the body's name, which a licensed business
# would hold (名称查重).
answers["business.name"] = answers["business.name"] + "（核验样本）"
filed, _ = call("POST", "/api/applications", {"bundle": "restaurant", "answers": answers})
number = filed["number"]
clerk, samr = login("clerk"), login("samr")
view, _ = call("GET", f"/api/staff/applications/{number}", cookie=clerk)
accepted, _ = call("POST", f"/api/staff/applications/{number}/intake",
                   {"decision": "accept", "version": view["version"],
                    "paper_materials": [m["id"] for m in view["materials"]]}, cookie=clerk)
registration = next(i for i in accepted["items"] if i["item"] == "business_registration")
call("POST", f"/api/staff/items/{registration['id']}/review",
     {"action": "approve", "version": registration["version"]}, cookie=samr)
view, _ = call("GET", f"/api/staff/applications/{number}", cookie=clerk)
print("/v/" + view["licence"]["verify_url"].rsplit("/v/", 1)[1])
