#!/usr/bin/env python3
"""Regenerate outlets.csv (and a build report) from the raw copies under raw/.

Deterministic: the same raw/ input always gives byte-identical output.
Only the Python standard library is used.

Inputs (see SOURCES.md and sources.csv for origins and licences):
  raw/newsprism/outlets.csv                      newsprism's own 135 domains (names/aliases only)
  raw/fundus/supported_publishers.md             flairNLP/fundus publisher table (MIT)
  raw/wikidata_newspapers/full_list_of_newspapers.json   Wikidata query result (CC0)
  raw/yavuz/news-feed-list-of-countries.json     yavuz/news-feed-list-of-countries (MIT)
  raw/manual-facts.csv                           hand-transcribed facts from Wikipedia pages (CC BY-SA),
                                                 one source key per fact; excerpts in raw/pages/
  raw/manual-exclude.csv                         hosts/facts dropped from a source, with reasons
  raw/manual-names.csv                           display-name clean-ups for feed-title noise
  raw/manual-wikidata-countries.csv              Wikidata country label -> ISO 3166-1 alpha-2
  raw/manual-wikidata-languages.csv              Wikidata language label -> ISO 639-1
  raw/ref/iso3166-1.csv, raw/ref/iso639-1.csv    code tables (from Debian iso-codes)
  raw/ref/public_suffix_list.dat                 Public Suffix List (validation only)
"""

import csv
import html
import json
import os
import re
import urllib.parse
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
# The registry newsprism ships: written into the package's data.
DATA = os.path.join(HERE, os.pardir, "src", "newsprism", "data")
RAW = os.path.join(HERE, "raw")

# The registry's columns (newsprism.registry.COLUMNS); this script runs on the standard library alone.
COLUMNS = [
    "name",
    "aliases",
    "domains",
    "country",
    "languages",
    "ownership",
    "parent",
    "country_source",
    "languages_source",
    "ownership_source",
    "parent_source",
]
OWNERSHIP = {"state", "public", "private", "agency", "republisher"}

# precedence of sources for every fact (lower index wins)
FACT_PRECEDENCE = ["manual", "fundus", "wikidata-newspapers", "yavuz"]
NAME_PRECEDENCE = ["newsprism", "manual", "fundus", "wikidata-newspapers", "yavuz"]

FUNDUS_GROUP_TO_ISO = {"UK": "GB", "IND": "IN", "ISL": "IS"}  # all other groups are already ISO alpha-2

LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def rp(*parts):
    return os.path.join(RAW, *parts)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- reference tables
ISO3166 = read_csv(rp("ref", "iso3166-1.csv"))
A2 = {r["alpha_2"] for r in ISO3166}
A3_TO_A2 = {r["alpha_3"]: r["alpha_2"] for r in ISO3166}
ISO639_1 = {r["alpha_2"] for r in read_csv(rp("ref", "iso639-1.csv"))}


def load_psl():
    rules, exceptions, wild = set(), set(), set()
    with open(rp("ref", "public_suffix_list.dat"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            line = line.split()[0].encode("idna").decode("ascii") if not line.isascii() else line.split()[0]
            if line.startswith("!"):
                exceptions.add(line[1:])
            elif line.startswith("*."):
                wild.add(line[2:])
            else:
                rules.add(line)
    return rules, exceptions, wild


PSL_RULES, PSL_EXC, PSL_WILD = load_psl()


def public_suffix(host):
    labels = host.split(".")
    for i in range(len(labels)):
        cand = ".".join(labels[i:])
        if cand in PSL_EXC:
            return ".".join(labels[i + 1 :])
        if cand in PSL_RULES:
            return cand
        if i + 1 < len(labels) and ".".join(labels[i + 1 :]) in PSL_WILD:
            return cand
    return None


def registrable(host):
    suf = public_suffix(host)
    if not suf or suf == host:
        return None
    rest = host[: -len(suf) - 1]
    return rest.split(".")[-1] + "." + suf


def valid_host(host):
    if not host or len(host) > 253 or "." not in host:
        return False
    if not all(LABEL_RE.match(label) for label in host.split(".")):
        return False
    tld = host.rsplit(".", 1)[1]
    if tld.isdigit():
        return False
    suf = public_suffix(host)
    return bool(suf) and suf != host


def norm_host(url):
    """URL or bare host -> lower-case host without scheme/path/port/leading 'www.', IDNA-encoded."""
    url = (url or "").strip()
    if not url:
        return None
    if "//" not in url:
        url = "http://" + url
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.strip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    while host.startswith("www."):  # also a doubled "www.www." typo in a source URL
        host = host[4:]
    return host


def split_pipe(s):
    return [x.strip() for x in (s or "").split("|") if x.strip()]


# ---------------------------------------------------------------- manual side tables
EXCLUDE = defaultdict(dict)  # source -> host -> action
for r in read_csv(rp("manual-exclude.csv")):
    EXCLUDE[r["source"]][r["host"]] = r["action"]
NAME_FIX = {(r["source"], r["host"]): r["name"] for r in read_csv(rp("manual-names.csv"))}
WD_COUNTRY = {r["label"]: r["alpha_2"] for r in read_csv(rp("manual-wikidata-countries.csv"))}
WD_LANG = {r["label"]: r["alpha_2"] for r in read_csv(rp("manual-wikidata-languages.csv"))}

report = []  # human-readable build notes


def note(msg):
    report.append(msg)


# ---------------------------------------------------------------- records
# record = dict(source=..., domains=[...], name=..., aliases=[...], facts={field: (value, source_key)})


def rec(source, domains, name, aliases=(), **facts):
    return {
        "source": source,
        "domains": [d for d in domains if d],
        "name": name,
        "aliases": list(aliases),
        "facts": {k: v for k, v in facts.items() if v and v[0]},
    }


def load_newsprism():
    groups = OrderedDict()
    for r in read_csv(rp("newsprism", "outlets.csv")):
        h = norm_host(r["domain"])
        g = groups.setdefault(r["name"], {"domains": [], "aliases": []})
        g["domains"].append(h)
        for a in split_pipe(r["aliases"]):
            if a not in g["aliases"]:
                g["aliases"].append(a)
    return [rec("newsprism", g["domains"], name, g["aliases"]) for name, g in groups.items()]


def load_fundus():
    with open(rp("fundus", "supported_publishers.md"), encoding="utf-8") as f:
        md = f.read()
    secs = re.split(r"^## (\w+)-Publishers\s*$", md, flags=re.M)
    out = []
    for i in range(1, len(secs), 2):
        group, body = secs[i], secs[i + 1]
        cc = FUNDUS_GROUP_TO_ISO.get(group, group)
        assert cc in A2, group
        for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            tds = re.findall(r"<td>(.*?)</td>", tr, flags=re.S)
            if len(tds) < 4:
                continue
            name = html.unescape(re.sub(r"<[^>]+>", "", tds[1])).strip()
            host = norm_host(re.search(r'href="([^"]+)"', tds[2]).group(1))
            langs = list(re.findall(r"<code>([^<]+)</code>", tds[3]))
            bad = [code for code in langs if code not in ISO639_1]
            if bad:
                note(f"fundus: {host}: dropped non-ISO-639-1 language codes {bad}")
            langs = [code for code in langs if code in ISO639_1]
            act = EXCLUDE["fundus"].get(host)
            if act == "drop_row":
                continue
            out.append(
                rec(
                    "fundus",
                    [host],
                    name,
                    country=("" if act == "drop_country" else cc, "fundus"),
                    languages=("|".join(langs), "fundus"),
                )
            )
    return out


def load_wikidata():
    with open(rp("wikidata_newspapers", "full_list_of_newspapers.json"), encoding="utf-8") as f:
        data = json.load(f)
    items = OrderedDict()
    for b in data["results"]["bindings"]:
        q = b["item"]["value"].rsplit("/", 1)[1]
        it = items.setdefault(q, {"label": None, "countries": set(), "langs": set(), "urls": set()})
        it["label"] = b.get("itemLabel", {}).get("value")
        if "countryLabel" in b:
            it["countries"].add(b["countryLabel"]["value"])
        if "languageLabel" in b:
            it["langs"].add(b["languageLabel"]["value"])
        it["urls"].add(b["offurl"]["value"])
    # a host used as "official website" by more than one item is a shared/platform host: skip it
    host_items = defaultdict(set)
    for q, it in items.items():
        for u in it["urls"]:
            host_items[norm_host(u)].add(q)
    out, skipped = [], defaultdict(int)
    for q in sorted(items, key=lambda x: int(x[1:])):
        it = items[q]
        if not it["label"] or re.fullmatch(r"Q\d+", it["label"]):
            skipped["no English label"] += 1
            continue
        hosts = []
        for u in sorted(it["urls"]):
            parts = urllib.parse.urlsplit(u)
            if parts.path not in ("", "/") or parts.query:
                skipped["website URL has a path (archive/section page)"] += 1
                continue
            h = norm_host(u)
            if not h or not valid_host(h):
                skipped["invalid host"] += 1
                continue
            if len(host_items[h]) > 1:
                skipped["host shared by several items"] += 1
                continue
            if EXCLUDE["wikidata-newspapers"].get(h) == "drop_row":
                skipped["manual exclusion"] += 1
                continue
            hosts.append(h)
        if not hosts:
            continue
        ccs = {WD_COUNTRY.get(c) for c in it["countries"]}
        ccs.discard(None)
        ccs.discard("")
        unmapped = [c for c in it["countries"] if c not in WD_COUNTRY]
        if unmapped:
            note(f"wikidata: {q} unmapped country labels {unmapped}")
        country = sorted(ccs)[0] if len(ccs) == 1 else ""
        if len(ccs) > 1:
            skipped["country ambiguous (several current countries)"] += 1
        langs = sorted({WD_LANG.get(code) for code in it["langs"]} - {None, ""})
        out.append(
            rec(
                "wikidata-newspapers",
                hosts,
                it["label"],
                country=(country, "wikidata-newspapers"),
                languages=("|".join(langs), "wikidata-newspapers"),
            )
        )
    for k, v in sorted(skipped.items()):
        note(f"wikidata: skipped {v} ({k})")
    return out


FEED_PREFIXES = ("rss.", "feeds.", "feed.", "api.", "data.")


def load_yavuz():
    with open(rp("yavuz", "news-feed-list-of-countries.json"), encoding="utf-8") as f:
        d = json.load(f)
    by_host = OrderedDict()
    for a3, entries in d.items():
        if a3 == "GLOBAL":
            continue
        cc = A3_TO_A2.get(a3, "")
        if not cc:
            note(f"yavuz: list key {a3} is not an ISO 3166-1 alpha-3 code; no country fact taken")
        for e in entries:
            h = norm_host(e["publication_website_uri"])
            if not h:
                continue
            if h.startswith(FEED_PREFIXES):
                # the listed "website" is the feed host; take its registrable domain
                reg = registrable(h)
                note(f"yavuz: feed host {h} -> {reg}")
                h = reg
            if not h or not valid_host(h):
                continue
            act = EXCLUDE["yavuz"].get(h)
            if act == "drop_row":
                continue
            slot = by_host.setdefault(h, {"names": [], "countries": []})
            nm = e["publication_name"].strip()
            if nm not in slot["names"]:
                slot["names"].append(nm)
            if cc and act != "drop_country" and cc not in slot["countries"]:
                slot["countries"].append(cc)
    out = []
    for h, s in by_host.items():
        name = NAME_FIX.get(("yavuz", h), s["names"][0])
        country = ""
        if len(s["countries"]) == 1:
            country = s["countries"][0]
            # a country-code TLD that names another country contradicts the listing
            tld = h.rsplit(".", 1)[1]
            if len(tld) == 2 and tld not in GENERIC_CCTLDS:
                tcc = "GB" if tld == "uk" else tld.upper()
                if tcc in A2 and tcc != country:
                    note(f"yavuz: {h} listed under {country} but ccTLD .{tld}; country dropped")
                    country = ""
        elif len(s["countries"]) > 1:
            note(f"yavuz: {h} listed under several countries {s['countries']}; country dropped")
        out.append(rec("yavuz", [h], name, country=(country, "yavuz")))
    return out


# ccTLDs widely sold as generic names; they say nothing about the outlet's country
GENERIC_CCTLDS = {"io", "tv", "fm", "co", "me", "cc", "ai", "ly", "to", "ws", "gg", "nu", "ag", "im", "cx"}


def load_manual():
    out = []
    for r in read_csv(rp("manual-facts.csv")):
        doms = [norm_host(d) for d in split_pipe(r["domains"])]
        f = {}
        for field in ("country", "languages", "ownership", "parent"):
            v = r[field].strip()
            s = r[field + "_source"].strip()
            if v and not s:
                raise SystemExit(f"manual-facts: {r['name']}: {field} without source")
            if v:
                f[field] = (v, s)
        rr = rec("manual", doms, r["name"], split_pipe(r["aliases"]))
        rr["facts"] = f
        out.append(rr)
    return out


# ---------------------------------------------------------------- merge
def merge(records):
    parent = list(range(len(records)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner = {}
    for i, r in enumerate(records):
        for d in r["domains"]:
            if d in owner:
                a, b = find(owner[d]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[d] = i
    groups = OrderedDict()
    for i in range(len(records)):
        groups.setdefault(find(i), []).append(records[i])
    return list(groups.values())


def rank(src, order):
    return order.index(src) if src in order else len(order)


def cctld_country(doms):
    """ISO code implied by the (non-generic) country-code TLD of the first domain, else None."""
    tld = doms[0].rsplit(".", 1)[1]
    if len(tld) != 2 or tld in GENERIC_CCTLDS:
        return None
    cc = "GB" if tld == "uk" else tld.upper()
    return cc if cc in A2 else None


def build_row(group):
    doms = []
    for r in sorted(group, key=lambda r: rank(r["source"], NAME_PRECEDENCE)):
        for d in r["domains"]:
            if d not in doms:
                doms.append(d)
    named = sorted(group, key=lambda r: rank(r["source"], NAME_PRECEDENCE))
    name = named[0]["name"]
    aliases = []
    for r in named:
        cands = list(r["aliases"])
        if r["source"] in ("fundus", "wikidata-newspapers", "manual", "newsprism"):
            cands.append(r["name"])
        for a in cands:
            if a.casefold() != name.casefold() and a.casefold() not in [x.casefold() for x in aliases]:
                aliases.append(a)
    row = {"name": name, "aliases": "|".join(aliases), "domains": "|".join(doms)}
    for field in ("country", "languages", "ownership", "parent"):
        cands = []
        for r in group:
            if field in r["facts"]:
                v, s = r["facts"][field]
                src_kind = "manual" if r["source"] == "manual" else r["source"]
                cands.append((rank(src_kind, FACT_PRECEDENCE), v, s))
        cands.sort()
        if field == "country":
            tld_cc = cctld_country(doms)
            bad = [c for c in cands if tld_cc and c[1] != tld_cc and not c[2].startswith(("wp-", "wq-"))]
            for c in bad:
                note(
                    f"ccTLD: {doms[0]} country {c[1]} from {c[2]} contradicts .{tld_cc.lower()} host; not used"
                )
            cands = [c for c in cands if c not in bad]
        if cands:
            row[field], row[field + "_source"] = cands[0][1], cands[0][2]
            others = {c[1] for c in cands[1:] if c[1] != cands[0][1]}
            if others and field == "country":
                note(
                    f"conflict: {doms[0]} country {cands[0][1]} ({cands[0][2]}) kept; other sources say {sorted(others)}"
                )
        else:
            row[field], row[field + "_source"] = "", ""
    return row


def page_sources():
    """One source row per saved page excerpt raw/pages/<key>.txt (header lines url/title/licence)."""
    out = {}
    pdir = rp("pages")
    for fn in sorted(os.listdir(pdir)):
        if not fn.endswith(".txt"):
            continue
        meta = {}
        with open(os.path.join(pdir, fn), encoding="utf-8") as f:
            for line in f:
                if line.strip() == "---":
                    break
                k, _, v = line.partition(":")
                meta[k.strip()] = v.strip()
        key = fn[:-4]
        out[key] = {
            "key": key,
            "title": meta["title"],
            "url": meta["url"],
            "licence": meta["licence"],
            "notes": f"excerpt saved in raw/pages/{fn}; read via the search tool's pages corpus",
        }
    return out


def write_sources(rows):
    srcs = {r["key"]: r for r in read_csv(rp("repo-sources.csv"))}
    srcs.update(page_sources())
    used = set()
    for r in rows:
        for f in ("country", "languages", "ownership", "parent"):
            if r[f + "_source"]:
                used.add(r[f + "_source"])
    for r in read_csv(rp("manual-facts.csv")):  # pages cited for a manual row's domain
        used.update(k for k in split_pipe(r["domain_source"]) if k in srcs)
    missing = used - set(srcs)
    if missing:
        raise SystemExit(f"source keys without a sources.csv row: {sorted(missing)}")
    keep = [k for k in srcs if k in used or k == "newsprism"]
    unused = sorted(set(srcs) - set(keep))
    if unused:
        note(f"sources: saved but not cited by any fact: {unused}")
    with open(os.path.join(DATA, "outlet-sources.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["key", "title", "url", "licence", "notes"], lineterminator="\n")
        w.writeheader()
        for k in sorted(keep):
            w.writerow({c: srcs[k][c] for c in ["key", "title", "url", "licence", "notes"]})


def main():
    records = load_manual() + load_newsprism() + load_fundus() + load_wikidata() + load_yavuz()
    groups = merge(records)
    kept = []
    for g in groups:
        srcs = {r["source"] for r in g}
        if srcs == {"wikidata-newspapers"} and not any("country" in r["facts"] for r in g):
            continue  # a Wikidata-only newspaper with no stated country adds a bare name+domain: left out
        kept.append(g)
    note(
        f"merge: {len(groups)} groups, {len(groups) - len(kept)} Wikidata-only groups without a country left out"
    )
    rows = [build_row(g) for g in kept]
    # validation: refuse to write anything that breaks the quality bar
    seen = {}
    for r in rows:
        for d in split_pipe(r["domains"]):
            if not valid_host(d):
                raise SystemExit(f"invalid domain {d!r} in {r['name']}")
            if d in seen:
                raise SystemExit(f"duplicate domain {d}")
            seen[d] = r["name"]
        if r["country"] and r["country"] not in A2:
            raise SystemExit(f"bad country {r['country']} for {r['name']}")
        for code in split_pipe(r["languages"]):
            if code not in ISO639_1:
                raise SystemExit(f"bad language {code} for {r['name']}")
        if r["ownership"] and r["ownership"] not in OWNERSHIP:
            raise SystemExit(f"bad ownership {r['ownership']} for {r['name']}")
        for f in ("country", "languages", "ownership", "parent"):
            if bool(r[f]) != bool(r[f + "_source"]):
                raise SystemExit(f"fact/source mismatch {f} for {r['name']}")
    rows.sort(key=lambda r: (r["country"] or "~~", r["name"].casefold(), r["domains"]))
    with open(os.path.join(DATA, "outlets.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in COLUMNS})
    write_sources(rows)
    with open(os.path.join(HERE, "build_report.txt"), "w", encoding="utf-8") as f:
        f.write(f"rows: {len(rows)}\n")
        for line in report:
            f.write(line + "\n")
    print(f"wrote {len(rows)} rows; {len(report)} report lines in build_report.txt")


if __name__ == "__main__":
    main()
