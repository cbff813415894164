"""Recomputes a published inspection draw (双随机) from its published data alone, as anyone can:
reads the plan's public JSON (GET /api/supervision/plans/{id}) on stdin, checks the revealed
seed against the commitment published before the draw and the frozen lists against their
published hash, and prints the draw as JSON: [{"object": id, "inspectors": [[dept, [id…]]]}].

Written from docs/supervision-draw.md, not from the Rust code. Standard library only."""
import hashlib
import json
import sys

plan = json.load(sys.stdin)
seed = plan["seed"]
frozen_text = plan["frozen"]
frozen = json.loads(frozen_text)
algorithm = frozen["algorithm"]
assert algorithm == "lianban-draw-1", algorithm


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


if sha256_hex(f"{algorithm}:commit:{seed}") != plan["commitment"]:
    sys.exit("the seed does not match the commitment")
if sha256_hex(frozen_text) != plan["frozen_hash"]:
    sys.exit("the frozen lists do not match their hash")


def key(text):
    return sha256_hex(f"{seed}:{text}")


rules = frozen["rules"]
departments = rules["departments"]
chosen = []
for cls, ratio in rules["ratios"]:
    pool = [
        o
        for o in frozen["objects"]
        if o["class"] == cls and any(d in departments for d in o["departments"])
    ]
    pool.sort(key=lambda o: key(f"object:{o['id']}"))
    take = -(-len(pool) * ratio // 100)  # rounded up
    chosen.extend(pool[:take])
chosen.sort(key=lambda o: o["id"])

conflicts = {(o, u) for o, u in frozen["conflicts"]}
drawn = []
for o in chosen:
    per_department = []
    for d in departments:
        if d not in o["departments"]:
            continue
        free = [
            i["id"]
            for i in frozen["inspectors"]
            if i["department"] == d and (o["id"], i["id"]) not in conflicts
        ]
        free.sort(key=lambda i: (key(f"inspector:{o['id']}:{i}"), i))
        per_department.append([d, free[: rules["per_department"]]])
    drawn.append({"object": o["id"], "inspectors": per_department})
print(json.dumps(drawn, ensure_ascii=False))
