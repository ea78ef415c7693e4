#!/usr/bin/env python3
"""Two failscan binaries, every command and every output format, the outputs compared byte
for byte: the proof that a refactoring changed no output.

  python3 Benchmarks/same_output.py OLD NEW [--matrix DIR] [--corpus DIR]

Each binary is copied to its own directory as `failscan` and run there as `./failscan`
(so the command line an HTML report quotes is the same). Compared per command: the exit
status, standard output, standard error and every file written (databases through
`sqlite3 .dump`). Wall-clock figures (`[processed in 0.12 sec]`, MB/s, ms) are the only
text masked, in the commands marked as timed. DIR defaults: matrix logs of
`Corpus/generate.py matrix --size 20M`, a `corpus --size 100M` corpus (generated when
missing under Benchmarks/work). Exits 1 when any command differs.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import throughput  # noqa: E402  (the four jails' configuration)

FORMATS = ["list", "json", "csv", "iptables", "ip6tables", "ipset", "nft", "firewalld", "crowdsec", "crowdsec-json", "fail2ban-db", "sqlite", "html"]
MATRIX = [("sshd", "auth-quiet.log"), ("sshd", "auth-attack10.log"), ("sshd", "auth-attack60.log.gz"),
          ("postfix", "postfix-busy.log"), ("nginx-http-auth", "nginx-error.log"), ("apache-auth", "apache-error.log"),
          ("recidive", "fail2ban.log"), ("exim", "exim-mainlog.log"), ("courier-auth", "courier-mail.log"),
          ("sshd", "auth-dense.log")]
NOW = "1795600000"
ACTIVE = "2026-01-01"
TIMED = re.compile(rb"\d+\.\d+( ?(sec|s|ms|MB/s|MB))?|\"seconds\":[0-9.e-]+|\d+ lines/s|\d+ ns per candidate|\d+ MB/s|"
                   rb"\d+ s\b|[nN]anoseconds\":\d+|Written \d+-\d+-\d+ \d+:\d+:\d+")


def commands(corpus_logs, matrix, corpus, conf_corpus, conf_big):
    """(name, argv, output file or None, timed)."""
    logs = [os.path.join(corpus_logs, name) for name in ("mail.log.2.gz", "mail.log.1", "mail.log")]
    seed = os.path.join(ROOT, "Corpus", "filters")
    out = []
    for fmt in FORMATS:
        file = "out." + fmt if fmt in ("fail2ban-db", "sqlite", "html") else None
        extra = ["--active-at", ACTIVE] if fmt == "fail2ban-db" else []
        args = ["--format", fmt] + extra + (["--output", file] if file else [])
        out.append(("scan seed dovecot " + fmt, ["scan", "--now", NOW, "--filter", seed + "/dovecot.conf"] + logs + args, file, fmt == "html"))
        out.append(("jails corpus " + fmt, ["jails", "--now", NOW, "--config", conf_corpus] + args, file, fmt == "html"))
        out.append(("jails benchmark " + fmt, ["jails", "--now", NOW, "--config", conf_big] + args, file, fmt == "html"))
        if fmt not in ("fail2ban-db", "sqlite", "html"):
            out.append(("jails active " + fmt, ["jails", "--now", NOW, "--config", conf_big, "--active-at", "1795500000", "--format", fmt],
                        None, False))
    out.append(("jails stats", ["jails", "--now", NOW, "--config", conf_corpus, "--stats"], None, True))
    out.append(("jails one", ["jails", "--now", NOW, "--config", conf_corpus, "--jail", "sshd", "--format", "json"], None, False))
    out.append(("jails recidive", ["jails", "--now", NOW, "--config", conf_corpus, "--recidive-from-replay", "--format", "csv"], None, False))
    for spec, log in MATRIX:
        for fmt in ("json", "nft", "list"):
            out.append(("matrix %s %s %s" % (spec, log, fmt), ["scan", "--now", NOW, "--filter", spec, "--format", fmt,
                                                               os.path.join(matrix, log)], None, False))
        out.append(("regex matrix %s %s" % (spec, log), ["regex", "--now", NOW, os.path.join(matrix, log), spec], None, True))
        out.append(("regex -o matrix %s %s" % (spec, log), ["regex", "--now", NOW, "-o", "<ip> <time> <F-USER>",
                                                            os.path.join(matrix, log), spec], None, False))
        out.append(("regex json matrix %s %s" % (spec, log), ["regex", "--now", NOW, "--json", os.path.join(matrix, log), spec], None, True))
    auth = os.path.join(corpus_logs, "auth.log")
    line = "Jan  2 03:04:05 host sshd[123]: Failed password for invalid user admin from 192.0.2.7 port 22 ssh2"
    for name, argv, timed in [
        ("regex sshd", ["regex", auth, "sshd"], True),
        ("regex all matched", ["regex", "--print-all-matched", "--print-all-missed", auth, "sshd"], True),
        ("regex no missed", ["regex", "--print-no-missed", "--print-no-ignored", "--no-check-all", auth, "sshd[mode=aggressive]"], True),
        ("regex seed", ["regex", "--rotated", os.path.join(corpus_logs, "mail.log"), seed + "/dovecot.conf"], True),
        ("regex glob", ["regex", os.path.join(corpus_logs, "mail.log*"), seed + "/qpoppermail.conf"], True),
        ("regex line", ["regex", line, "sshd"], True),
        ("regex line json", ["regex", "--json", line, "sshd"], True),
        ("regex line -o", ["regex", "-o", "ip", line, "sshd"], False),
        ("regex -o msg", ["regex", "-o", "msg", auth, "sshd"], False),
        ("regex -o user", ["regex", "-o", "user", auth, "sshd"], False),
        ("regex failregex", ["regex", auth, r"Failed \S+ for .* from <HOST>", r"invalid user"], True),
        ("regex maxlines", ["regex", "-L", "3", auth, "sshd"], True),
        ("regex explain", ["regex", "--explain", line, "-", "sshd"], False),
        ("regex explain json", ["regex", "--json", "--explain", line, "-", "sshd"], False),
        ("regex patterns", ["regex", "--show-patterns", "-", "sshd"], False),
        ("regex patterns seed", ["regex", "--show-patterns", "-", seed + "/qpopperauth.conf"], False),
        ("regex compare", ["regex", "--compare", "sshd[mode=aggressive]", auth, "sshd"], True),
        ("regex compare json", ["regex", "--json", "--compare", r"Failed \S+ for .* from <HOST>", auth, "sshd"], True),
        ("regex missing", ["regex", "/nonexistent/dir/*.log", "sshd"], False),
        ("scan missing", ["scan", "--filter", "sshd", "/nonexistent.log"], False),
        ("scan bad filter", ["scan", "--filter", "/nonexistent.conf", auth], False),
        ("tune table", ["tune", "--now", NOW, "--config", conf_corpus, "--jail", "sshd", "--maxretry", "3,5", "--findtime", "10m,1h"], False),
        ("tune json", ["tune", "--now", NOW, "--config", conf_corpus, "--jail", "dovecot", "--format", "json"], False),
        ("tune csv", ["tune", "--now", NOW, "--config", conf_big, "--jail", "seed-dovecot", "--format", "csv"], False),
    ]:
        out.append((name, argv, None, timed))
    out.append(("version", ["--version"], None, False))
    for command in ("", "scan", "regex", "jails", "tune", "map", "reduce"):
        out.append(("help " + command, ([command] if command else []) + ["--help"], None, False))
    out.append(("tune html", ["tune", "--now", NOW, "--config", conf_corpus, "--jail", "sshd", "--format", "html", "--output", "tune.html"],
                "tune.html", True))
    return out


def run(binary_dir, argv):
    if "LEDGERS" in argv:
        ledgers = sorted(os.path.join("ledgers", n) for n in os.listdir(os.path.join(binary_dir, "ledgers")))
        argv = [a for a in argv if a != "LEDGERS"] + ledgers
    done = subprocess.run(["./failscan"] + argv, cwd=binary_dir, capture_output=True)
    return done.returncode, done.stdout, done.stderr


def file_bytes(path):
    if not os.path.exists(path):
        return b"<missing>"
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"SQLite format 3"):
        # Failures are inserted as the threads find them: the rows compared as a set.
        dump = subprocess.run(["sqlite3", path, ".dump"], capture_output=True).stdout
        return b"\n".join(sorted(dump.split(b"\n")))
    with open(path, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--matrix", default=os.path.join(ROOT, "Benchmarks", "work", "matrix-20M"))
    ap.add_argument("--corpus", default=None)
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.matrix, "auth-dense.log")):
        subprocess.run([sys.executable, os.path.join(ROOT, "Corpus", "generate.py"), "matrix", "--size", "20M", args.matrix],
                       check=True, stdout=subprocess.DEVNULL)
    corpus = args.corpus or throughput.corpus_dir("100M")
    work = tempfile.mkdtemp(prefix="failscan-same-")
    conf_corpus = os.path.join(work, "conf-corpus")
    conf_big = os.path.join(work, "conf-big")
    corpus_logs = os.path.join(ROOT, "Corpus", "logs")
    for conf, auth, mail in [(conf_corpus, os.path.join(corpus_logs, "auth.log"), os.path.join(corpus_logs, "mail.log")),
                             (conf_big, os.path.join(corpus, "auth.log"), os.path.join(corpus, "mail.log"))]:
        os.makedirs(conf)
        throughput.four_jails(os.path.join(conf, "jail.local"), auth, mail)
        for name in ("filter.d", "fail2ban.conf"):
            os.symlink(os.path.join("/etc/fail2ban", name), os.path.join(conf, name))
    dirs = {}
    for side, binary in (("old", args.old), ("new", args.new)):
        dirs[side] = os.path.join(work, side)
        os.makedirs(dirs[side])
        shutil.copy2(binary, os.path.join(dirs[side], "failscan"))
    cases = commands(corpus_logs, args.matrix, corpus, conf_corpus, conf_big)
    # map and reduce: ledgers of two shards, then every reduce format.
    cases.append(("map", ["map", "--now", NOW, "--config", conf_corpus, "--shard", "a", "--out", "ledgers", "--partitions", "3",
                          os.path.join(corpus_logs, "auth.log")], None, False))
    cases.append(("map 2", ["map", "--now", NOW, "--config", conf_corpus, "--shard", "b", "--out", "ledgers", "--partitions", "3"]
                  + [os.path.join(corpus_logs, n) for n in ("mail.log.2.gz", "mail.log.1", "mail.log")], None, False))
    for fmt in ("json", "nft", "csv"):
        cases.append(("reduce " + fmt, ["reduce", "--config", conf_corpus, "--format", fmt, "LEDGERS"], None, False))
    differing = 0
    for name, argv, output, timed in cases:
        results = {}
        for side in ("old", "new"):
            code, stdout, stderr = run(dirs[side], argv)
            files = file_bytes(os.path.join(dirs[side], output)) if output else b""
            if name.startswith("map"):
                # The ledgers' lines as a set: before issue 23 the order of groups across
                # jails followed the threads (one binary gave 3 orders in 30 runs).
                ledgers = os.path.join(dirs[side], "ledgers")
                files = b"".join(b"\n".join(sorted(subprocess.run(["zstd", "-dc", os.path.join(ledgers, n)], capture_output=True)
                                                   .stdout.split(b"\n"))) for n in sorted(os.listdir(ledgers))) if os.path.isdir(ledgers) else b""
            parts = [str(code).encode(), stdout, stderr, files]
            if timed:
                parts = [TIMED.sub(b"T", p) for p in parts]
            results[side] = parts
            if output and os.path.exists(os.path.join(dirs[side], output)):
                os.remove(os.path.join(dirs[side], output))
        same = results["old"] == results["new"]
        differing += not same
        what = ["exit", "stdout", "stderr", "file"]
        diff = [w for w, a, b in zip(what, results["old"], results["new"]) if a != b]
        print("%-4s %-60s exit %s, %d bytes out%s" % ("same" if same else "DIFF", name, results["new"][0].decode(), len(results["new"][1]),
                                                       "" if same else " (" + ", ".join(diff) + " differ)"))
    print("%d of %d commands differ" % (differing, len(cases)))
    if differing == 0:
        shutil.rmtree(work)
    else:
        print("outputs kept in", work)
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
