"""Independent references for the domain rules, asked by the Rust tests (tests/api/reference.rs).

Reads lines from stdin and answers each on stdout:
  day YYYY-MM-DD     -> 1 if chinesecalendar says it is a working day, else 0
  ric NUMBER         -> 1 if python-stdnum's cn.ric accepts it, else 0
  uscc CODE          -> 1 if python-stdnum's cn.uscc accepts it, else 0
"""
import datetime
import sys

import chinese_calendar
from stdnum.cn import ric, uscc

for line in sys.stdin:
    kind, value = line.split()
    if kind == "day":
        ok = chinese_calendar.is_workday(datetime.date.fromisoformat(value))
    elif kind == "ric":
        ok = ric.is_valid(value)
    elif kind == "uscc":
        ok = uscc.is_valid(value)
    else:
        raise SystemExit(f"unknown question {kind}")
    print(1 if ok else 0)
