#!/usr/bin/python3
"""Writes a WARC/1.1 file of N HTTP response records cycling over the HTML pages of the shared
evaluation data (../shared/data/sites and ../shared/data/pages/real), each copy under its own URL,
bytes as served (GBK pages stay GBK). Used by run.sh; the data itself is never copied into the repo.
usage: make_warc.py SHARED_DIR N OUT.warc"""
import json, os, sys, uuid


def pages(shared):
    out = []
    sites = os.path.join(shared, "data", "sites")
    for line in open(os.path.join(sites, "gold.jsonl"), encoding="utf-8"):
        row = json.loads(line)
        if row.get("expect") == "challenge":
            continue
        out.append((row["site"], row["url_path"], open(os.path.join(sites, row["path"]), "rb").read()))
    real = os.path.join(shared, "data", "pages", "real")
    for line in open(os.path.join(real, "gold.jsonl"), encoding="utf-8"):
        row = json.loads(line)
        out.append((row["site"], row["url_path"], open(os.path.join(real, row["path"]), "rb").read()))
    return out


def main():
    shared, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    src = pages(shared)
    total = 0
    with open(path, "wb") as f:
        for i in range(n):
            site, url_path, body = src[i % len(src)]
            uri = "http://copy%d.%s.example.gov.cn%s" % (i // len(src), site.replace("_", "-"), url_path)
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body
            head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n"
                    "WARC-Target-URI: %s\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
                    % (uuid.uuid4(), uri, len(http))).encode()
            f.write(head + http + b"\r\n\r\n")
            total += len(body)
    print("%s: %d records, %d distinct pages, %.1f MB of HTML (mean %.0f KB)" % (path, n, len(src), total / 1e6, total / n / 1e3))


main()
