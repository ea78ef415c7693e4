#!/usr/bin/env python3
"""Deterministic generator of realistic mail and auth logs for failscan.

  generate.py samples DIR            small sample logs (what Corpus/logs holds)
  generate.py corpus --size 1G DIR   large corpora for benchmarks (write to an ignored folder)
  generate.py recent --end T DIR      logs of the minutes before T for a live fail2ban-server
  generate.py matrix --size 64M DIR  one log per daemon for the filter matrix: sshd (OpenSSH
                                     8/9) quiet and under attack (10% and 60% of the lines),
                                     a busy postfix smtpd, nginx and apache error logs,
                                     fail2ban.log for recidive, an exim mainlog, a
                                     courier mail.log, and a dense auth.log of interleaved
                                     brute-force connections (88% of the lines); each gzipped
  generate.py journal-export --entries N [--start T --step S] FILE
                                     systemd Journal Export Format (build journal files with
                                     systemd-journal-remote -o X.journal - < FILE): sshd and
                                     sshd-session, dovecot, postfix, kernel and cron entries,
                                     multi-line and binary MESSAGEs, invalid UTF-8, odd pids,
                                     _SOURCE_REALTIME_TIMESTAMP apart from the realtime stamp,
                                     a MESSAGE given twice, a 100 KB MESSAGE, and the fields
                                     journald adds (unit, cgroup, transport, ids)

Same arguments, same bytes: every choice comes from random.Random(seed).
Lines mix dovecot pop3/imap logins and failures (old 1.2 and current 2.3 wording),
dovecot auth-worker pam failures, qpopper in its auth.log (PAM) and mail.log forms,
postfix, sshd and cron noise, IPv4, IPv6 and IPv4-mapped addresses.
"""
import argparse, gzip, os, random, sys, time

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "admin", "test",
         "info", "sales", "webmaster", "root", "postmaster", "m\u00fcller", "\u7530\u4e2d"]


def syslog_date(t):
    tm = time.gmtime(t)
    return "%s %2d %02d:%02d:%02d" % (MONTHS[tm.tm_mon - 1], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)


class World:
    def __init__(self, seed, attackers=400, clients=300):
        self.r = random.Random(seed)
        r = self.r
        self.attackers = [self.address(r, attack=True) for _ in range(attackers)]
        self.clients = [self.address(r, attack=False) for _ in range(clients)]
        self.pid = 1000

    @staticmethod
    def address(r, attack):
        k = r.random()
        if k < 0.12:
            return "2001:db8:%x:%x::%x" % (r.randrange(1, 0xffff), r.randrange(0, 0xffff), r.randrange(1, 0xffff))
        first = r.choice([198, 203, 185, 45, 91, 103, 141, 177, 212]) if attack else r.choice([10, 172, 192, 81, 62])
        return "%d.%d.%d.%d" % (first, r.randrange(0, 256), r.randrange(0, 256), r.randrange(1, 255))

    def next_pid(self):
        self.pid = 1000 + (self.pid * 7 + 13) % 60000
        return self.pid

    def session(self):
        r = self.r
        return "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(16))

    def dovecot_failure(self, ip, old_style):
        r = self.r
        proto = r.choice(["pop3-login", "imap-login"])
        user = r.choice(USERS)
        rip = ("::ffff:" + ip) if old_style and ":" not in ip and r.random() < 0.5 else ip
        lip = "192.0.2.10" if ":" not in ip else "2001:db8::10"
        kind = r.random()
        if old_style:
            if kind < 0.6:
                msg = "Aborted login (auth failed, %d attempts): user=<%s>, method=PLAIN, rip=%s, lip=%s" % (r.randrange(1, 4), user, rip, lip)
            elif kind < 0.8:
                msg = "Disconnected (auth failed, %d attempts): user=<%s>, method=PLAIN, rip=%s, lip=%s" % (r.randrange(1, 4), user, rip, lip)
            else:
                msg = "Aborted login (tried to use disabled plaintext auth): rip=%s, lip=%s" % (rip, lip)
            return "dovecot: %s: %s" % (proto, msg)
        if kind < 0.45:
            msg = "Aborted login (auth failed, %d attempts in %d secs): user=<%s>, method=PLAIN, rip=%s, lip=%s, TLS, session=<%s>" % (
                r.randrange(1, 4), r.randrange(1, 15), user, rip, lip, self.session())
            return "dovecot: %s: %s" % (proto, msg)
        if kind < 0.65:
            msg = "Disconnected (auth failed, %d attempts in %d secs): user=<%s>, method=PLAIN, rip=%s, lip=%s, TLS: Connection closed, session=<%s>" % (
                r.randrange(1, 4), r.randrange(1, 15), user, rip, lip, self.session())
            return "dovecot: %s: %s" % (proto, msg)
        # dovecot 2.3 auth-worker pam failure: none of pop3-login/imap-login/qpopper in it
        return "dovecot: auth-worker(%d): pam(%s,%s,<%s>): pam_authenticate() failed: Authentication failure (password mismatch?)" % (
            self.next_pid(), user, ip, self.session())

    def dovecot_success(self, ip):
        r = self.r
        proto = r.choice(["pop3-login", "imap-login"])
        lip = "192.0.2.10" if ":" not in ip else "2001:db8::10"
        return "dovecot: %s: Login: user=<%s>, method=PLAIN, rip=%s, lip=%s, mpid=%d, TLS, session=<%s>" % (
            proto, r.choice(USERS), ip, lip, self.next_pid(), self.session())

    def qpopper_mail_failure(self, ip):
        user = self.r.choice(USERS)
        return "in.qpopper[%d]: %s at %s (%s): -ERR [AUTH] Password supplied for \"%s\" is incorrect." % (
            self.next_pid(), user, ip, ip, user)

    def qpopper_auth_failure(self, ip):
        user = self.r.choice(USERS)
        return "in.qpopper[%d]: pam_unix(pop3:auth): authentication failure; logname= uid=0 euid=0 tty=%s ruser= rhost=%s  user=%s" % (
            self.next_pid(), ip, ip, user)

    def noise(self, ip):
        r = self.r
        pid = self.next_pid()
        k = r.random()
        if k < 0.30:
            return "postfix/smtpd[%d]: connect from unknown[%s]" % (pid, ip)
        if k < 0.45:
            return "postfix/smtpd[%d]: disconnect from unknown[%s] ehlo=1 auth=0/1 quit=1 commands=2/3" % (pid, ip)
        if k < 0.55:
            return "postfix/qmgr[%d]: %X: from=<%s@example.org>, size=%d, nrcpt=1 (queue active)" % (pid, r.randrange(1 << 40), r.choice(USERS[:10]), r.randrange(900, 90000))
        if k < 0.65:
            return "postfix/smtp[%d]: %X: to=<%s@example.net>, relay=mx.example.net[192.0.2.77]:25, delay=0.4, status=sent (250 2.0.0 Ok)" % (pid, r.randrange(1 << 40), r.choice(USERS[:10]))
        if k < 0.75:
            return "in.qpopper[%d]: (v4.0.9) POP login by user \"%s\" at (%s) %s [pop_log.c:244]" % (pid, r.choice(USERS[:10]), ip, ip)
        if k < 0.85:
            return "sshd[%d]: Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:%s" % (pid, r.choice(USERS[:6]), ip, r.randrange(1024, 65535), self.session())
        if k < 0.93:
            return "CRON[%d]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)" % pid
        return "dovecot: imap(%s)<%d><%s>: Logged out in=%d out=%d deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0" % (
            r.choice(USERS[:10]), pid, self.session(), r.randrange(50, 900), r.randrange(300, 90000))

    def sshd_failure(self, ip):
        return "sshd[%d]: Failed password for invalid user %s from %s port %d ssh2" % (
            self.next_pid(), self.r.choice(USERS), ip, self.r.randrange(1024, 65535))


def lines(world, start, count, fail_ratio, old_style=False, form="mail"):
    """Yields (time, text). Attacks come in bursts: an address tries 1 to 30 times, a few
    seconds apart, so some bursts reach maxretry within findtime and some do not."""
    r = world.r
    t = start
    bursts = []  # [next time, ip, remaining, kind, interval]
    mean_length = 12.0
    for _ in range(count):
        t += r.choice([0, 0, 1, 1, 2, 3])
        if r.random() < fail_ratio / mean_length:
            bursts.append([t, r.choice(world.attackers), r.randrange(1, 24), r.random(), r.choice([1, 2, 5, 10, 30, 90])])
        due = min(bursts, key=lambda b: b[0]) if bursts else None
        if due is not None and due[0] <= t:
            ip, kind = due[1], due[3]
            due[2] -= 1
            due[0] = t + r.randrange(1, due[4] + 1)
            if due[2] <= 0:
                bursts.remove(due)
            if form == "auth":
                text = world.qpopper_auth_failure(ip) if kind < 0.5 else world.sshd_failure(ip)
            elif kind < 0.7:
                text = world.dovecot_failure(ip, old_style)
            else:
                text = world.qpopper_mail_failure(ip)
        elif r.random() < 0.25:
            text = world.dovecot_success(r.choice(world.clients)) if form == "mail" else world.noise(r.choice(world.clients))
        else:
            text = world.noise(r.choice(world.clients + world.attackers[:20]))
        yield t, "%s %s %s" % (syslog_date(t), "mail", text)


def write_samples(out):
    """Small logs with the cases a conformance test must see."""
    os.makedirs(out, exist_ok=True)
    world = World(seed=20261125, attackers=12, clients=8)
    # Dates from mid-November back: without a year they stay in the past for a year or so.
    base = 1793000000  # 2026-10-26
    special = [
        "dovecot: pop3-login: Aborted login (auth failed, 1 attempts): user=<m\u00fcller>, method=PLAIN, rip=203.0.113.66, lip=192.0.2.10",
        "dovecot: imap-login: Aborted login (auth failed, 2 attempts in 3 secs): user=<\udcff\udcfe>, method=PLAIN, rip=2001:db8:dead::66, lip=2001:db8::10, session=<x>",
        "dovecot: imap-login: Aborted login (tried to use disabled plaintext auth): rip=::ffff:198.51.100.66, lip=::ffff:192.0.2.10",
        "dovecot: pop3-login: Aborted login (3 authentication attempts): user=<x>, method=PLAIN, rip=198.51.100.67, lip=192.0.2.10",
        "dovecot: imap-login: Aborted login (no auth attempts in 0 secs): user=<>, rip=198.51.100.68, lip=192.0.2.10, session=<y>",
        "dovecot: pop3-login: Login: user=<qpopper>, method=PLAIN, rip=198.51.100.69, lip=192.0.2.10, mpid=1, session=<z>",
        "in.qpopper[77]: bob at evil.example.org (198.51.100.70): -ERR [AUTH] Password supplied for \"bob\" is incorrect.",
        "in.qpopper[78]: (v4.0.9) POP login by user \"imap-login\" at (198.51.100.71) 198.51.100.71 [pop_log.c:244]",
    ]
    logs = [("mail.log.2.gz", 3000, True), ("mail.log.1", 3000, False), ("mail.log", 2500, False)]
    t = base
    for name, count, old in logs:
        body = []
        for i, (t, text) in enumerate(lines(world, t, count, 0.06, old_style=old)):
            body.append(text)
            if i % 397 == 5:
                for s in special:
                    body.append("%s mail %s" % (syslog_date(t), s))
            if i == 1200:
                body.append("%s mail dovecot: pop3-login: Disconnected (auth failed, 1 attempts): user=<crlf>, method=PLAIN, rip=198.51.100.72, lip=192.0.2.10\r" % syslog_date(t))
                body.append("    continuation without a date: dovecot: imap-login: Aborted login (auth failed, 1 attempts): user=<nodate>, rip=198.51.100.73, lip=192.0.2.10")
        t += 3600
        data = ("\n".join(body) + "\n").encode("utf-8", "surrogateescape")
        path = os.path.join(out, name)
        if name.endswith(".gz"):
            # Two gzip members, as `cat a.gz b.gz` or an appending logger makes them.
            half = data.index(b"\n", len(data) // 2) + 1
            with open(path, "wb") as f:
                for part in (data[:half], data[half:]):
                    f.write(gzip.compress(part, mtime=0))
        else:
            with open(path, "wb") as f:
                f.write(data)
    body = [text for _, text in lines(World(seed=7, attackers=10, clients=6), base, 2500, 0.08, form="auth")]
    with open(os.path.join(out, "auth.log"), "wb") as f:
        f.write(("\n".join(body) + "\n").encode("utf-8", "surrogateescape"))


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def write_lines(f, generator, limit):
    """Writes generated (time, text) lines in blocks until `limit` bytes; returns (bytes, last time)."""
    written, chunk, t = 0, [], 0
    for t, text in generator:
        chunk.append(text)
        if len(chunk) == 4096:
            data = ("\n".join(chunk) + "\n").encode("utf-8", "surrogateescape")
            f.write(data)
            written += len(data)
            chunk = []
            if written >= limit:
                break
    return written, t


def write_corpus(out, size, files, seed, fail_ratio=0.03):
    """mail.log, mail.log.1, mail.log.2.gz ... of about `size` bytes in all, from Dec 20 on,
    and an auth.log of an eighth of that; `fail_ratio` of the lines are failures (0.03, or
    0.13 for a server under a password-spraying campaign: 8-10% dovecot failures)."""
    os.makedirs(out, exist_ok=True)
    world = World(seed=seed)
    per_file = size // files
    # Starts on Dec 20 (of a year without a leap day ahead): a corpus of a few hundred MB
    # crosses into January, the boundary where a year must be inferred.
    t = 1797724800  # 2026-12-20 00:00 UTC
    names = ["mail.log"] + ["mail.log.%d" % i for i in range(1, files)]
    for index in reversed(range(files)):
        name = names[index]
        path = os.path.join(out, name + (".gz" if index >= 2 else ""))
        opener = (lambda p: gzip.open(p, "wb", compresslevel=6)) if index >= 2 else (lambda p: open(p, "wb"))
        with opener(path) as f:
            written, t = write_lines(f, lines(world, t, 1 << 62, fail_ratio, old_style=(index % 2 == 1)), per_file)
        print("wrote %s (%d MB uncompressed)" % (path, written >> 20), file=sys.stderr)
    # auth.log (qpopper's PAM form and sshd), an eighth of the size, over the same days.
    path = os.path.join(out, "auth.log")
    with open(path, "wb") as f:
        written, _ = write_lines(f, lines(World(seed=seed + 1), 1797724800, 1 << 62, 0.03, form="auth"), size // 8)
    print("wrote %s (%d MB)" % (path, written >> 20), file=sys.stderr)


class Daemons:
    """Lines of the daemons people run fail2ban for, as their current versions write them."""

    def __init__(self, seed):
        self.world = World(seed=seed, attackers=2000, clients=500)
        self.r = self.world.r

    def pid(self):
        return self.world.next_pid()

    def port(self):
        return self.r.randrange(1024, 65535)

    def sshd_quiet(self, ip):
        r, pid, user = self.r, self.pid(), self.r.choice(USERS[:6])
        return r.choice([
            "sshd[%d]: Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:%s" % (pid, user, ip, self.port(), self.world.session()),
            "sshd[%d]: pam_unix(sshd:session): session opened for user %s(uid=1000) by (uid=0)" % (pid, user),
            "sshd[%d]: Received disconnect from %s port %d:11: disconnected by user" % (pid, ip, self.port()),
            "sshd[%d]: Disconnected from user %s %s port %d" % (pid, user, ip, self.port()),
            "sshd[%d]: pam_unix(sshd:session): session closed for user %s" % (pid, user),
            "systemd-logind[812]: New session %d of user %s." % (pid, user),
            "CRON[%d]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)" % pid,
            "systemd[1]: Started session-%d.scope - Session %d of User %s." % (pid, pid, user),
            "kernel: [%d.%06d] audit: type=1400 audit(1795600000.123:%d): apparmor=\"STATUS\"" % (pid, pid, pid),
        ])

    def sshd_attack(self, ip):
        r, pid, user, port = self.r, self.pid(), self.r.choice(USERS), self.port()
        return r.choice([
            "sshd[%d]: Invalid user %s from %s port %d" % (pid, user, ip, port),
            "sshd[%d]: Failed password for invalid user %s from %s port %d ssh2" % (pid, user, ip, port),
            "sshd[%d]: Failed password for root from %s port %d ssh2" % (pid, ip, port),
            "sshd[%d]: Connection closed by invalid user %s %s port %d [preauth]" % (pid, user, ip, port),
            "sshd[%d]: Disconnected from authenticating user root %s port %d [preauth]" % (pid, ip, port),
            "sshd[%d]: Received disconnect from %s port %d:11: Bye Bye [preauth]" % (pid, ip, port),
            "sshd[%d]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root" % (pid, ip),
            "sshd[%d]: error: maximum authentication attempts exceeded for root from %s port %d ssh2 [preauth]" % (pid, ip, port),
            "sshd[%d]: banner exchange: Connection from %s port %d: invalid format" % (pid, ip, port),
        ])

    def sshd_connection(self, ip):
        """The lines of one brute-force connection as OpenSSH 9 writes them, under one PID:
        a real attacked server's auth.log is mostly these (each line a candidate of the
        stock filter, whose failures are merged per connection)."""
        r, pid, port = self.r, self.pid(), self.port()
        user = r.choice(USERS + ["oracle", "ubuntu", "pi", "git", "postgres", "user"])
        if user in ("root",) or r.random() < 0.3:
            lines = ["Connection from %s port %d on 10.0.0.1 port 22 rdomain \"\"" % (ip, port)]
            for _ in range(r.randint(1, 3)):
                lines.append("Failed password for root from %s port %d ssh2" % (ip, port))
            lines.append("Received disconnect from %s port %d:11: Bye Bye [preauth]" % (ip, port))
            lines.append("Disconnected from authenticating user root %s port %d [preauth]" % (ip, port))
        else:
            lines = ["Connection from %s port %d on 10.0.0.1 port 22 rdomain \"\"" % (ip, port),
                     "Invalid user %s from %s port %d" % (user, ip, port),
                     "pam_unix(sshd:auth): check pass; user unknown",
                     "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s" % ip,
                     "Failed password for invalid user %s from %s port %d ssh2" % (user, ip, port)]
            if r.random() < 0.5:
                lines.append("Connection closed by invalid user %s %s port %d [preauth]" % (user, ip, port))
            else:
                lines.append("Received disconnect from %s port %d:11: Bye Bye [preauth]" % (ip, port))
                lines.append("Disconnected from invalid user %s %s port %d [preauth]" % (user, ip, port))
        return ["sshd[%d]: %s" % (pid, line) for line in lines]

    def postfix_quiet(self, ip):
        r, pid, qid = self.r, self.pid(), "%X" % self.r.randrange(1 << 40)
        return r.choice([
            "postfix/smtpd[%d]: connect from unknown[%s]" % (pid, ip),
            "postfix/smtpd[%d]: disconnect from unknown[%s] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5" % (pid, ip),
            "postfix/smtpd[%d]: %s: client=mail.example.com[%s]" % (pid, qid, ip),
            "postfix/cleanup[%d]: %s: message-id=<%s@example.com>" % (pid, qid, self.world.session()),
            "postfix/qmgr[%d]: %s: from=<%s@example.org>, size=%d, nrcpt=1 (queue active)" % (pid, qid, r.choice(USERS[:10]), r.randrange(900, 90000)),
            "postfix/smtp[%d]: %s: to=<%s@example.net>, relay=mx.example.net[192.0.2.77]:25, delay=0.4, status=sent (250 2.0.0 Ok)" % (pid, qid, r.choice(USERS[:10])),
            "postfix/anvil[%d]: statistics: max connection rate 1/60s for (smtp:%s) at Nov 25 10:00:00" % (pid, ip),
        ])

    def postfix_failure(self, ip):
        r, pid = self.r, self.pid()
        return r.choice([
            "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown[%s]: 554 5.7.1 <x@example.org>: Relay access denied; from=<a@example.net> to=<x@example.org> proto=ESMTP helo=<h>" % (pid, ip),
            "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown[%s]: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table; from=<s@example.net> to=<nobody@example.org> proto=ESMTP helo=<h>" % (pid, ip),
            "postfix/smtpd[%d]: warning: unknown[%s]: SASL LOGIN authentication failed: UGFzc3dvcmQ6" % (pid, ip),
            "postfix/smtpd[%d]: improper command pipelining after EHLO from unknown[%s]: QUIT\\r\\n" % (pid, ip),
            "postfix/smtpd[%d]: lost connection after AUTH from unknown[%s]" % (pid, ip),
        ])

    def nginx(self, ip, failure, t):
        r, pid = self.r, self.pid()
        date = time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(t))
        if failure:
            user = r.choice(USERS)
            text = r.choice([
                'user "%s" was not found in "/etc/nginx/htpasswd"' % user,
                'user "%s": password mismatch' % user,
            ])
            return '%s [error] %d#%d: *%d %s, client: %s, server: example.org, request: "GET /admin/ HTTP/1.1", host: "example.org"' % (date, pid, pid, pid, text, ip)
        return r.choice([
            '%s [info] %d#%d: *%d client closed connection while waiting for request, client: %s, server: 0.0.0.0:443' % (date, pid, pid, pid, ip),
            '%s [notice] %d#%d: signal process started' % (date, pid, pid),
            '%s [warn] %d#%d: *%d an upstream response is buffered to a temporary file, client: %s, server: example.org' % (date, pid, pid, pid, ip),
        ])

    def apache(self, ip, failure, t):
        r, pid = self.r, self.pid()
        date = time.strftime("%a %b %d %H:%M:%S", time.gmtime(t)) + ".%06d %d" % (r.randrange(10 ** 6), time.gmtime(t).tm_year)
        if failure:
            user = r.choice(USERS)
            text = r.choice([
                "[auth_basic:error] [pid %d:tid %d] [client %s:%d] AH01618: user %s not found: /private" % (pid, pid, ip, self.port(), user),
                '[auth_basic:error] [pid %d:tid %d] [client %s:%d] AH01617: user %s: authentication failure for "/private": Password Mismatch' % (pid, pid, ip, self.port(), user),
            ])
        else:
            text = r.choice([
                "[ssl:warn] [pid %d:tid %d] AH01909: example.org:443:0 server certificate does NOT include an ID which matches the server name" % (pid, pid),
                "[mpm_event:notice] [pid %d:tid %d] AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations" % (pid, pid),
                "[core:info] [pid %d:tid %d] [client %s:%d] AH00128: File does not exist: /var/www/html/favicon.ico" % (pid, pid, ip, self.port()),
            ])
        return "[%s] %s" % (date, text)

    def exim(self, ip, failure, t):
        """exim4's mainlog (its own dates, no syslog header)."""
        r, pid = self.r, self.pid()
        date = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
        helo = r.choice(["(ylmf-pc)", "(User)", "mail.example.net (mail.example.net)", "([%s])" % ip])
        if failure:
            text = r.choice([
                "dovecot_login authenticator failed for %s [%s]: 535 Incorrect authentication data (set_id=%s)" % (helo, ip, r.choice(USERS)),
                "H=%s [%s]:%d I=[192.0.2.25]:25 F=<%s@example.net> rejected RCPT <%s@example.org>: relay not permitted" % (helo, ip, self.port(), r.choice(USERS), r.choice(USERS)),
                "H=%s [%s] sender verify fail for <%s@example.net>: Unrouteable address" % (helo, ip, r.choice(USERS)),
                "SMTP call from %s [%s] dropped: too many nonmail commands (last was \"RSET\")" % (helo, ip),
            ])
            return "%s [%d] %s" % (date, pid, text)
        qid = "1t%s-%06d-%s" % ("".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(4)), pid % 1000000, "AB")
        text = r.choice([
            "%s <= %s@example.net H=%s [%s] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no S=%d id=%s@example.net" % (qid, r.choice(USERS[:10]), helo, ip, r.randrange(900, 90000), self.world.session()),
            "%s => %s <%s@example.org> R=local_user T=mail_spool" % (qid, r.choice(USERS[:10]), r.choice(USERS[:10])),
            "%s Completed" % qid,
            "SMTP connection from %s [%s]:%d I=[192.0.2.25]:25 closed by QUIT" % (helo, ip, self.port()),
            "Start queue run: pid=%d" % pid,
        ])
        return "%s [%d] %s" % (date, pid, text)

    def courier(self, ip, failure):
        r, daemon = self.r, self.r.choice(["imapd", "imapd-ssl", "pop3d", "pop3d-ssl", "courierpop3login"])
        ip = ip if ":" in ip else "::ffff:" + ip
        user = "%s@example.org" % r.choice(USERS)
        if failure:
            return r.choice([
                "%s: LOGIN FAILED, user=%s, ip=[%s]" % (daemon, user, ip),
                "%s: LOGIN FAILED, method=PLAIN, ip=[%s]" % (daemon, ip),
            ])
        return r.choice([
            "%s: Connection, ip=[%s]" % (daemon, ip),
            "%s: LOGIN, user=%s, ip=[%s], port=[%d], protocol=IMAP" % (daemon, user, ip, self.port()),
            "%s: LOGOUT, user=%s, ip=[%s], headers=0, body=0, rcvd=%d, sent=%d, time=%d" % (daemon, user, ip, r.randrange(50, 500), r.randrange(500, 90000), r.randrange(1, 600)),
            "%s: Disconnected, ip=[%s], time=%d, starttls=1" % (daemon, ip, r.randrange(1, 600)),
        ])

    def fail2ban(self, ip, failure, t):
        r, pid = self.r, self.pid()
        date = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + ",%03d" % r.randrange(1000)
        jail = r.choice(["sshd", "postfix", "dovecot", "nginx-http-auth"])
        if failure:
            return "%s fail2ban.actions        [%d]: NOTICE  [%s] Ban %s" % (date, pid, jail, ip)
        return r.choice([
            "%s fail2ban.filter         [%d]: INFO    [%s] Found %s - %s" % (date, pid, jail, ip, date[:19]),
            "%s fail2ban.actions        [%d]: NOTICE  [%s] Unban %s" % (date, pid, jail, ip),
            "%s fail2ban.filter         [%d]: INFO    [%s] Ignore %s by ignoreself rule" % (date, pid, jail, ip),
        ])


def daemon_lines(daemons, kind, ratio, start):
    """Yields (time, text) for one log of the matrix; `ratio` of the lines are failures,
    from attackers that come back in bursts."""
    r, world = daemons.r, daemons.world
    t = start
    if kind == "sshd-dense":
        # Connections interleaved line by line: usually a few dozen open at once, in bursts
        # more than fail2ban's cache of 100 keeps; `ratio` of the lines are attacks.
        open_connections = []
        while True:
            t += r.choice([0, 0, 0, 1])
            if r.random() >= ratio:
                yield t, "%s host %s" % (syslog_date(t), daemons.sshd_quiet(r.choice(world.clients)))
                continue
            wanted = 150 if (t // 600) % 7 == 0 else 30
            while len(open_connections) < wanted:
                ip = r.choice(world.attackers[:200] if r.random() < 0.7 else world.attackers)
                open_connections.append(daemons.sshd_connection(ip))
            k = r.randrange(len(open_connections))
            yield t, "%s host %s" % (syslog_date(t), open_connections[k].pop(0))
            if not open_connections[k]:
                open_connections[k] = open_connections[-1]
                open_connections.pop()
    while True:
        t += r.choice([0, 0, 0, 1])
        failure = r.random() < ratio
        ip = r.choice(world.attackers[:200] if r.random() < 0.7 else world.attackers) if failure else r.choice(world.clients)
        if kind == "sshd":
            yield t, "%s host %s" % (syslog_date(t), daemons.sshd_attack(ip) if failure else daemons.sshd_quiet(ip))
        elif kind == "postfix":
            yield t, "%s mail %s" % (syslog_date(t), daemons.postfix_failure(ip) if failure else daemons.postfix_quiet(ip))
        elif kind == "nginx":
            yield t, daemons.nginx(ip, failure, t)
        elif kind == "apache":
            yield t, daemons.apache(ip, failure, t)
        elif kind == "exim":
            yield t, daemons.exim(ip, failure, t)
        elif kind == "courier":
            yield t, "%s mail %s" % (syslog_date(t), daemons.courier(ip, failure))
        else:
            yield t, daemons.fail2ban(ip, failure, t)


MATRIX_LOGS = [
    ("auth-quiet.log", "sshd", 0.01), ("auth-attack10.log", "sshd", 0.10), ("auth-attack60.log", "sshd", 0.60),
    ("postfix-busy.log", "postfix", 0.08), ("nginx-error.log", "nginx", 0.20), ("apache-error.log", "apache", 0.20),
    ("fail2ban.log", "fail2ban", 0.30), ("exim-mainlog.log", "exim", 0.15), ("courier-mail.log", "courier", 0.15),
    # A real attacked server's shape: most lines belong to short brute-force connections.
    ("auth-dense.log", "sshd-dense", 0.88),
]


def write_matrix(out, size, seed):
    """One log per daemon of about `size` bytes each, plain and gzipped, from Nov 1."""
    os.makedirs(out, exist_ok=True)
    for index, (name, kind, ratio) in enumerate(MATRIX_LOGS):
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            written, _ = write_lines(f, daemon_lines(Daemons(seed + index), kind, ratio, 1793491200), size)
        with open(path, "rb") as source, gzip.open(path + ".gz", "wb", compresslevel=6) as target:
            target.write(source.read())
        print("wrote %s and %s.gz (%d MB)" % (path, path, written >> 20), file=sys.stderr)


def write_recent(out, end, minutes, seed):
    """Logs of the last `minutes` before `end` (Unix time, UTC dates) for a live
    fail2ban-server to read: auth.log.1 and auth.log (sshd), mail.log.1 and mail.log
    (dovecot, postfix SASL, the seed filters' dovecot lines), the rotation in the middle.
    Steady attackers fail every 30-90 s for the whole span; bursty ones fail 4-8 times
    within a minute, now and then; a tenth of them IPv6; sshd sessions cut by the
    rotation ("Connection from" before it, failures without an address after it)."""
    os.makedirs(out, exist_ok=True)
    daemons = Daemons(seed)
    r, world = daemons.r, daemons.world
    start = end - minutes * 60
    middle = start + minutes * 30
    steady = world.attackers[:6]
    bursty = world.attackers[6:40]
    events = []  # (time, log, text)
    for ip in steady:
        t = start + r.randrange(0, 60)
        while t < end:
            events.append((t, "auth", daemons.sshd_attack(ip)))
            events.append((t + 1, "mail", world.dovecot_failure(ip, old_style=False)))
            t += r.randrange(30, 91)
    for _ in range(40):
        ip = r.choice(bursty)
        t = r.randrange(start, end - 60)
        for _ in range(r.randrange(4, 9)):
            log = r.choice(["auth", "mail", "sasl"])
            if log == "auth":
                events.append((t, "auth", daemons.sshd_attack(ip)))
            elif log == "mail":
                events.append((t, "mail", world.dovecot_failure(ip, old_style=r.random() < 0.3)))
            else:
                events.append((t, "mail", "postfix/smtpd[%d]: warning: unknown[%s]: SASL LOGIN authentication failed: UGFzc3dvcmQ6" % (daemons.pid(), ip)))
            t += r.randrange(1, 8)
    t = start
    while t < end:
        ip = r.choice(world.clients)
        events.append((t, "auth", daemons.sshd_quiet(ip)))
        events.append((t, "mail", world.noise(ip) if r.random() < 0.5 else world.dovecot_success(ip)))
        t += r.randrange(1, 6)
    # Sessions cut by the rotation: the address before it, three failures after it.
    for k, ip in enumerate(world.attackers[40:43]):
        pid = 61000 + k
        events.append((middle - 5 + k, "auth", "sshd[%d]: Connection from %s port %d on 192.0.2.10 port 22" % (pid, ip, 40000 + k)))
        for j in range(3):
            events.append((middle + 2 + j, "auth", "sshd[%d]: Disconnecting: Too many authentication failures for root [preauth]" % pid))
    events.sort(key=lambda e: e[0])
    files = {}
    for name in ["auth.log.1", "auth.log", "mail.log.1", "mail.log"]:
        files[name] = open(os.path.join(out, name), "w", encoding="utf-8")
    for t, log, text in events:
        if t >= end:
            continue
        name = log + ".log" + (".1" if t < middle else "")
        files[name].write("%s host %s\n" % (syslog_date(t), text))
    for f in files.values():
        f.close()
    print("wrote %s: %d lines from %d to %d" % (out, len(events), start, end), file=sys.stderr)


def write_journal_export(out, entries, seed, start=1793000000, step=1.5):
    """Journal Export Format entries (text fields as FIELD=value, others length-prefixed),
    one every `step` seconds from `start`, with the fields journald adds to a syslog
    message (unit, cgroup, transport, uid, machine and boot ids...), as a busy server
    stores them. Planted: sshd (`sshd` and OpenSSH 9.8's `sshd-session`, under
    sshd.service), dovecot with a multi-line MESSAGE and a hexadecimal pid, postfix with
    invalid UTF-8 and (a third of them) a non-numeric pid, kernel lines with their monotonic time, a
    CRON entry with an empty MESSAGE, a non-ASCII host, qpopper, a MESSAGE given twice
    (entry 5 of every 1000), no MESSAGE at all (entry 17 of every 1000), a 100 KB MESSAGE
    (entry 11 of the file), _SOURCE_REALTIME_TIMESTAMP before the entry's own time."""
    import struct
    rnd = random.Random(seed)
    boot = b"0123456789abcdef0123456789abcdef"
    boot_start = 1700000000 * 1000000
    machine = "5c1d6bd4a1a24b3f8f5de3d5b2d3c0a1"

    def field(key, value):
        value = value.encode() if isinstance(value, str) else value
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or any(ord(c) < 32 and c != "\t" for c in text):
            return key.encode() + b"\n" + struct.pack("<Q", len(value)) + value + b"\n"
        return key.encode() + b"=" + value + b"\n"

    def trusted(unit, exe, pid):
        return [("_TRANSPORT", "syslog"), ("PRIORITY", "6"), ("SYSLOG_FACILITY", "4"), ("_UID", "0"), ("_GID", "0"),
                ("_MACHINE_ID", machine), ("_CAP_EFFECTIVE", "1ffffffffff"), ("_SYSTEMD_SLICE", "system.slice"),
                ("_SYSTEMD_UNIT", unit), ("_SYSTEMD_CGROUP", "/system.slice/" + unit),
                ("_SYSTEMD_INVOCATION_ID", "%032x" % rnd.getrandbits(128)), ("_EXE", exe),
                ("_CMDLINE", exe + " -D"), ("SYSLOG_TIMESTAMP", "Oct 26 07:33:20 "), ("_PID_FD", str(pid % 50))]

    with open(out, "wb") as f:
        for i in range(entries):
            realtime = int(start * 1000000 + i * step * 1000000) + rnd.randrange(1000)
            ip = "203.0.113.%d" % rnd.randrange(1, 40)
            user = rnd.choice(USERS)
            kind = rnd.randrange(9)
            if kind == 0:
                fields = [("_HOSTNAME", "srv1"), ("SYSLOG_IDENTIFIER", "sshd"), ("_COMM", "sshd"), ("_PID", str(1000 + i)),
                          ("MESSAGE", "Failed password for invalid user %s from %s port %d ssh2" % (user, ip, rnd.randrange(1024, 65535)))]
                fields += trusted("ssh.service", "/usr/sbin/sshd", i)
            elif kind == 1:
                fields = [("_HOSTNAME", "srv1"), ("SYSLOG_IDENTIFIER", "sshd-session"), ("_COMM", "sshd-session"),
                          ("SYSLOG_PID", str(2000 + i)), ("_PID", "9"),
                          ("MESSAGE", "Connection closed by authenticating user root %s port 4242 [preauth]" % ip),
                          ("_SOURCE_REALTIME_TIMESTAMP", str(realtime - 5000000))]
                fields += trusted("sshd.service", "/usr/lib/openssh/sshd-session", i)
            elif kind == 2:
                fields = [("_HOSTNAME", "srv1"), ("SYSLOG_IDENTIFIER", "kernel"), ("_TRANSPORT", "kernel"),
                          ("_SOURCE_MONOTONIC_TIMESTAMP", str(rnd.randrange(10 ** 10))), ("MESSAGE", "IN=eth0 SRC=%s" % ip)]
            elif kind == 3:
                if i % 2:
                    message = "auth: pam(%s,%s): pam_authenticate() failed: Authentication failure\n(details)" % (user, ip)
                else:
                    message = ("%s-login: Aborted login (auth failed, 1 attempts in 2 secs): user=<%s>, method=PLAIN, rip=%s, "
                               "lip=192.0.2.10, session=<x>" % (rnd.choice(["imap", "pop3"]), user, ip))
                fields = [("_HOSTNAME", "srv1"), ("_COMM", "dovecot"), ("_PID", "0x1f"), ("MESSAGE", message)]
                fields += trusted("dovecot.service", "/usr/sbin/dovecot", i)
            elif kind == 4:
                fields = [("_HOSTNAME", "srv1"), ("SYSLOG_IDENTIFIER", "postfix/smtpd"), ("SYSLOG_PID", "abc" if i % 3 == 0 else str(3000 + i)),
                          ("MESSAGE", b"warning: unknown[" + ip.encode() + b"]: SASL LOGIN authentication failed: \xff\xfe")]
                # Debian runs postfix as postfix@-.service (the stock journalmatch,
                # postfix.service, misses it); RHEL as postfix.service.
                fields += trusted("postfix.service" if i % 2 else "postfix@-.service", "/usr/lib/postfix/sbin/smtpd", i)
            elif kind == 5:
                fields = [("SYSLOG_IDENTIFIER", "CRON"), ("MESSAGE", "")]
            elif kind == 6:
                fields = [("_HOSTNAME", "srv1"), ("SYSLOG_IDENTIFIER", "sshd"), ("SYSLOG_PID", " 42 "), ("_COMM", "sshd"),
                          ("MESSAGE", "Invalid user %s from %s port 22" % (user, ip))]
                fields += trusted("ssh.service", "/usr/sbin/sshd", i)
            elif kind == 7:
                fields = [("_HOSTNAME", "h\u00e9"), ("_COMM", "kernel"), ("MESSAGE", "oops")]
            else:
                message = rnd.choice([
                    "(v4.0.5) POP login by user \"%s\" at (%s) %s" % (user, ip, ip),
                    "%s at %s (%s): -ERR [AUTH] Password supplied for \"%s\" is incorrect." % (user, ip, ip, user),
                    "pam_unix(qpopper:auth): authentication failure; logname= uid=0 euid=0 tty=%s ruser= rhost=%s user=%s" % (ip, ip, user)])
                fields = [("_HOSTNAME", "srv1"), ("SYSLOG_IDENTIFIER", "in.qpopper"), ("_COMM", "in.qpopper"), ("_PID", str(300 + i)),
                          ("MESSAGE", message)]
                fields += trusted("qpopper.service", "/usr/sbin/in.qpopper", i)
            if i % 1000 == 5:
                fields = [(k, v) for k, v in fields if k != "MESSAGE"] + [("MESSAGE", "first part"), ("MESSAGE", "second part")]
            elif i % 1000 == 17:
                fields = [(k, v) for k, v in fields if k != "MESSAGE"]
            elif i == 11:
                fields = [("_HOSTNAME", "srv1"), ("SYSLOG_IDENTIFIER", "sshd"), ("_COMM", "sshd"), ("_PID", "77"),
                          ("MESSAGE", "Failed password for invalid user %s from %s port 22 ssh2" % ("x" * 100000, ip))]
            # One boot, begun at `boot_start`: the monotonic clock runs with the realtime one
            # (sd-journal orders entries of one boot across files by it).
            monotonic = realtime - boot_start
            entry = b"__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n" % (realtime, monotonic, boot)
            f.write(entry + b"".join(field(k, v) for k, v in fields) + b"\n")
    print("wrote %s: %d entries" % (out, entries), file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("samples")
    s.add_argument("out")
    c = sub.add_parser("corpus")
    c.add_argument("out")
    c.add_argument("--size", default="256M")
    c.add_argument("--files", type=int, default=4)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--fail-ratio", type=float, default=0.03)
    m = sub.add_parser("matrix")
    m.add_argument("out")
    m.add_argument("--size", default="64M")
    m.add_argument("--seed", type=int, default=10)
    rc = sub.add_parser("recent")
    rc.add_argument("out")
    rc.add_argument("--end", type=int, required=True, help="Unix time of the last line's minute")
    rc.add_argument("--minutes", type=int, default=50)
    rc.add_argument("--seed", type=int, default=21)
    j = sub.add_parser("journal-export")
    j.add_argument("out")
    j.add_argument("--entries", type=int, default=2000)
    j.add_argument("--seed", type=int, default=7)
    j.add_argument("--start", type=float, default=1793000000, help="Unix time of the first entry")
    j.add_argument("--step", type=float, default=1.5, help="seconds between entries")
    a = p.parse_args()
    if a.cmd == "journal-export":
        write_journal_export(a.out, a.entries, a.seed, a.start, a.step)
    elif a.cmd == "samples":
        write_samples(a.out)
    elif a.cmd == "recent":
        write_recent(a.out, a.end, a.minutes, a.seed)
    elif a.cmd == "matrix":
        write_matrix(a.out, parse_size(a.size), a.seed)
    else:
        write_corpus(a.out, parse_size(a.size), a.files, a.seed, a.fail_ratio)


if __name__ == "__main__":
    main()
