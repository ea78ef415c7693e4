import Foundation
import TestSupport
import Testing

/// `failscan jails` against fail2ban's own FailManager (the installed package) fed with
/// fail2ban-regex's failures for the same files in time order, and its firewall files
/// against the real clients.
@Suite(.serialized) struct JailReplayTests {
    /// A fail2ban configuration root in a temporary folder: the installed jail.conf,
    /// paths and stock filters (linked, not copied), the seed filters, and a jail.local
    /// enabling the seed dovecot, qpopperauth, qpoppermail, stock dovecot and sshd.
    /// A date formatter for log lines in UTC (the tests run fail2ban and failscan with TZ=UTC).
    static func utcFormatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }

    static func makeConfig() throws -> URL {
        let root = try TestSupport.temporaryDirectory()
        let filters = root.appendingPathComponent("filter.d")
        try FileManager.default.createDirectory(at: filters, withIntermediateDirectories: true)
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: "/etc/fail2ban/filter.d") {
            try fm.createSymbolicLink(
                atPath: filters.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/filter.d/\(name)")
        }
        for name in try fm.contentsOfDirectory(atPath: "/etc/fail2ban") where name.hasPrefix("paths-") || name == "jail.conf" {
            try fm.createSymbolicLink(atPath: root.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/\(name)")
        }
        for name in ["qpopperauth.conf", "qpoppermail.conf"] {
            try fm.createSymbolicLink(
                atPath: filters.appendingPathComponent(name).path, withDestinationPath: TestSupport.corpus("filters/\(name)"))
        }
        try fm.createSymbolicLink(
            atPath: filters.appendingPathComponent("dovecot-seed.conf").path,
            withDestinationPath: TestSupport.corpus("filters/dovecot.conf"))
        // fail2ban 1.0 cannot load the seed dovecot as written: its <HOST> form, for the oracle.
        let seed = try String(contentsOfFile: TestSupport.corpus("filters/dovecot.conf"), encoding: .utf8)
        try seed.replacingOccurrences(of: #"rip=(?P<HOST>\S*),"#, with: "rip=<HOST>,")
            .write(to: filters.appendingPathComponent("dovecot-seed-host.conf"), atomically: true, encoding: .utf8)
        let logs = TestSupport.corpus("logs")
        try """
        [DEFAULT]
        ignoreip = 127.0.0.1/8 ::1 198.51.100.66
        bantime = 7200
        findtime = 10m
        backend = auto

        [dovecot-seed]
        enabled = true
        port = imap,imaps,pop3,pop3s
        filter = dovecot-seed
        logpath = \(logs)/mail.log

        [qpoppermail]
        enabled = true
        port = pop3
        filter = qpoppermail
        logpath = \(logs)/mail.log
        maxretry = 3

        [qpopperauth]
        enabled = true
        port = pop3
        filter = qpopperauth
        logpath = \(logs)/auth.log
        maxretry = 10
        findtime = 1h

        [dovecot]
        enabled = true
        logpath = \(logs)/mail.log

        [sshd]
        enabled = true
        logpath = \(logs)/auth.log
        maxretry = 3
        """.write(to: root.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        return root
    }

    /// What fail2ban's FailManager and BanManager ban, per jail and address (start and end
    /// of every ban, prolongations included), fed by fail2ban-regex in time order, with
    /// fail2ban's clock at each failure's time.
    static let oracle = #"""
        import json, subprocess, sys, ipaddress
        from fail2ban.server.failmanager import FailManager, FailManagerEmpty
        from fail2ban.server.banmanager import BanManager
        from fail2ban.server.mytime import MyTime
        from fail2ban.server.ticket import FailTicket, BanTicket
        spec = json.load(sys.stdin)
        result = {}
        for jail in spec["jails"]:
            events = []
            for path in jail["files"]:
                out = subprocess.run(["fail2ban-regex", "-c", spec["config"], "-o", "<time> <ip>", path, jail["filter"]],
                                     capture_output=True, text=True, check=True).stdout
                for row in out.splitlines():
                    parts = row.split()
                    if len(parts) >= 2:
                        events.append((float(parts[0]), parts[1]))
            events.sort(key=lambda e: e[0])
            ignore = [ipaddress.ip_network(n, strict=False) for n in jail["ignore"]]
            fm = FailManager()
            fm.setMaxRetry(jail["maxretry"])
            fm.setMaxTime(jail["findtime"])
            bm = BanManager()
            bm.setBanTime(jail["bantime"])
            bans = {}
            for t, ip in events:
                try:
                    if any(ipaddress.ip_address(ip) in n for n in ignore): continue
                except ValueError:
                    pass
                MyTime.setTime(t)
                bm.unBanList(t)
                fm.cleanup(t)
                fm.addFailure(FailTicket(ip, t))
                try:
                    ticket = BanTicket.wrap(fm.toBan(ip))
                except FailManagerEmpty:
                    continue
                reason = {}
                if bm.addBanTicket(ticket, reason):
                    bans.setdefault(ip, []).append([int(t), int(ticket.getEndOfBanTime(jail["bantime"]))])
                elif "ticket" in reason:
                    bans[ip][-1][1] = int(reason["ticket"].getEndOfBanTime(jail["bantime"]))
            result[jail["name"]] = bans
        json.dump(result, sys.stdout)
        """#

    @Test func bansEqualFail2bansFailManager() throws {
        try #require(TestSupport.fail2banRegex != nil, Comment(rawValue: TestSupport.fail2banHint))
        let config = try Self.makeConfig()
        let now = Int(Date().timeIntervalSince1970)
        let ours = try TestSupport.failscan(
            ["jails", "--config", config.path, "--format", "json", "--now", String(now), "--stats"],
            environment: ["TZ": "UTC"])
        #expect(ours.status == 0, "\(ours.stderr)")
        var banned: [String: Set<String>] = [:]
        var spans: [String: [String: [[Int]]]] = [:] // jail -> address -> [start, end] per ban
        for row in ours.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            guard object["banned"] as? Bool == true else { continue }
            let jail = object["jail"] as! String, ip = object["ip"] as! String
            banned[jail, default: []].insert(ip)
            spans[jail, default: [:]][ip] = zip(object["bans"] as! [Int], object["until"] as! [Int]).map { [$0, $1] }
        }
        // The same files, inflated for fail2ban-regex, oldest first.
        let scratch = try TestSupport.temporaryDirectory()
        let inflated = scratch.appendingPathComponent("mail.log.2").path
        _ = try TestSupport.run("/bin/sh", ["-c", "gzip -dc '\(TestSupport.corpus("logs/mail.log.2.gz"))' > '\(inflated)'"])
        let mail = [inflated, TestSupport.corpus("logs/mail.log.1"), TestSupport.corpus("logs/mail.log")]
        let auth = [TestSupport.corpus("logs/auth.log")]
        let ignore = ["127.0.0.1/8", "::1", "198.51.100.66"]
        let jails: [[String: Any]] = [
            ["name": "dovecot-seed", "filter": "dovecot-seed-host", "files": mail, "maxretry": 5, "findtime": 600],
            ["name": "qpoppermail", "filter": "qpoppermail", "files": mail, "maxretry": 3, "findtime": 600],
            ["name": "qpopperauth", "filter": "qpopperauth", "files": auth, "maxretry": 10, "findtime": 3600],
            ["name": "dovecot", "filter": "dovecot", "files": mail, "maxretry": 5, "findtime": 600],
            ["name": "sshd", "filter": "sshd", "files": auth, "maxretry": 3, "findtime": 600],
        ].map { $0.merging(["ignore": ignore, "bantime": 7200]) { a, _ in a } }
        let spec = try JSONSerialization.data(withJSONObject: ["config": config.path, "jails": jails])
        let specFile = scratch.appendingPathComponent("spec.json")
        try spec.write(to: specFile)
        let script = scratch.appendingPathComponent("oracle.py")
        try Self.oracle.write(to: script, atomically: true, encoding: .utf8)
        let reference = try TestSupport.run(
            "/bin/sh", ["-c", "/usr/bin/python3 '\(script.path)' < '\(specFile.path)'"], environment: ["TZ": "UTC"])
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as? [String: [String: [[Int]]]])
        #expect(expected.values.reduce(0) { $0 + $1.count } > 10, "the corpus should ban someone")
        var prolonged = 0
        for (jail, bans) in expected {
            #expect(banned[jail, default: []] == Set(bans.keys), "\(jail)")
            for (ip, theirs) in bans {
                #expect(spans[jail]?[ip] == theirs, "\(jail) \(ip): ban start and end")
                prolonged += theirs.filter { $0[1] > $0[0] + 7200 }.count
            }
        }
        #expect(prolonged > 0, "steady attackers should have their bans prolonged")
        // No address listed in ignoreip is ever banned.
        #expect(!banned.values.contains { $0.contains("198.51.100.66") })
    }

    @Test func firewallFilesAreAcceptedByTheRealClients() throws {
        let config = try Self.makeConfig()
        let scratch = try TestSupport.temporaryDirectory()
        for (format, check) in [
            ("iptables", ["/usr/sbin/iptables-restore", "--test"]),
            ("ip6tables", ["/usr/sbin/ip6tables-restore", "--test"]),
            ("nft", ["/usr/sbin/nft", "-c", "-f"]),
            ("ipset", ["/bin/sh", "-c", "/usr/sbin/ipset restore < \"$0\""]),
        ] {
            let file = scratch.appendingPathComponent("rules.\(format)").path
            let out = try TestSupport.failscan(["jails", "--config", config.path, "--format", format, "--all-bans", "--output", file])
            #expect(out.status == 0, "\(format): \(out.stderr)")
            guard FileManager.default.isExecutableFile(atPath: check[0]) else {
                Issue.record("\(check[0]) is missing (apt-get install iptables nftables)")
                continue
            }
            let run = try TestSupport.run("/usr/bin/unshare", ["-rn"] + check + [file])
            #expect(run.status == 0, "\(format): \(run.stderr)")
        }
        let text = try String(contentsOfFile: scratch.appendingPathComponent("rules.iptables").path, encoding: .utf8)
        #expect(text.contains("-A failscan -p tcp -m multiport --dports imap,imaps,pop3,pop3s -j failscan-dovecot-seed"))
        #expect(text.contains("-A failscan-sshd -s "))
        // nft drops for the jail's protocol and ports, as fail2ban's nftables action.
        let nft = try String(contentsOfFile: scratch.appendingPathComponent("rules.nft").path, encoding: .utf8)
        #expect(nft.contains("ip saddr @addr-set-sshd tcp dport { ssh } drop"))
        #expect(nft.contains(" tcp dport { imap, imaps, pop3, pop3s } drop"))
        for format in ["iptables", "ipset", "nft"] {
            let file = try String(contentsOfFile: scratch.appendingPathComponent("rules.\(format)").path, encoding: .utf8)
            #expect(
                file.contains("# failscan: load (FILE: this file") && file.contains("# failscan: undo: "),
                "\(format) names how to load and undo it")
        }
    }

    /// firewalld: the script run offline as its header says (`FIREWALL_CMD=firewall-offline-cmd
    /// sh FILE`) on a private copy of /etc/firewalld (a mount namespace) that already holds a
    /// fail2ban ipset and rich rule: the configuration then holds failscan's ipsets, their
    /// entries and the rich rules and passes `--check-config`; a second run, and a newer
    /// file over an older one, give what one run of the newer gives; fail2ban's are untouched.
    @Test func firewalldScriptIsAcceptedByFirewallOfflineCmd() throws {
        let tool = "/usr/bin/firewall-offline-cmd"
        try #require(FileManager.default.isExecutableFile(atPath: tool), "firewalld is missing (apt-get install firewalld)")
        let config = try Self.makeConfig()
        let scratch = try TestSupport.temporaryDirectory()
        let script = scratch.appendingPathComponent("rules.sh").path
        let older = scratch.appendingPathComponent("older.sh").path
        let out = try TestSupport.failscan([
            "jails", "--config", config.path, "--jail", "sshd", "--format", "firewalld", "--output", script,
        ])
        #expect(out.status == 0, "\(out.stderr)")
        // An older file: every jail.
        let all = try TestSupport.failscan(["jails", "--config", config.path, "--format", "firewalld", "--output", older])
        #expect(all.status == 0, "\(all.stderr)")
        let text = try String(contentsOfFile: script, encoding: .utf8)
        #expect(text.contains("$fw --add-rich-rule='rule family=ipv4 source ipset=failscan-sshd port port=22 protocol=tcp reject'"))
        #expect(text.contains("# failscan: undo:") && text.contains("--delete-ipset=failscan-sshd") && !text.contains("f2b-"))
        #expect(
            text.contains(
                "# failscan: load offline (firewalld stopped, or an image's /etc/firewalld): FIREWALL_CMD=firewall-offline-cmd sh FILE"))
        let copy = scratch.appendingPathComponent("etc-firewalld").path
        let marker = "=====failscan-state====="
        let state = "echo \(marker); \(tool) --list-rich-rules; for s in $(\(tool) --get-ipsets); do \(tool) --info-ipset=$s; done"
        let run = try TestSupport.run(
            "/usr/bin/unshare",
            [
                "-m", "/bin/sh", "-c",
                """
                set -e
                cp -a /etc/firewalld "$0" && mount --bind "$0" /etc/firewalld
                \(tool) --new-ipset=f2b-sshd --type=hash:ip > /dev/null && \(tool) --ipset=f2b-sshd --add-entry=10.9.9.9 > /dev/null
                \(tool) --add-rich-rule='rule family=ipv4 source ipset=f2b-sshd reject' > /dev/null
                FIREWALL_CMD=firewall-offline-cmd sh "$1" > /dev/null
                \(state)
                FIREWALL_CMD=firewall-offline-cmd sh "$1" > /dev/null
                \(state)
                FIREWALL_CMD=firewall-offline-cmd sh "$2" > /dev/null
                FIREWALL_CMD=firewall-offline-cmd sh "$1" > /dev/null
                \(state)
                \(tool) --check-config
                """,
                copy, script, older,
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let states = run.stdout.components(separatedBy: marker + "\n").dropFirst().map {
            $0.split(separator: "\n").filter { !$0.hasPrefix("success") }.joined(separator: "\n")
        }
        try #require(states.count == 3, "\(run.stdout)")
        #expect(states[1] == states[0], "a second run changes nothing")
        #expect(states[2] == states[0], "a newer file over an older one gives the newer alone")
        #expect(
            states[0].contains("rule family=\"ipv4\" source ipset=\"f2b-sshd\" reject") && states[0].contains("10.9.9.9"),
            "fail2ban's untouched")
        let banned = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "list"]).stdout
            .split(separator: "\n").filter { !$0.contains(":") }
        let info = states[0].components(separatedBy: "failscan-sshd\n").dropFirst().first ?? ""
        let entries = info.split(separator: "\n").first { $0.contains("entries:") }?.split(separator: " ").dropFirst() ?? []
        #expect(Set(entries.map(String.init)) == Set(banned.map(String.init)), "the ipset holds the banned IPv4 addresses")
        #expect(states[0].contains("rule family=\"ipv4\" source ipset=\"failscan-sshd\" port port=\"22\" protocol=\"tcp\" reject"))
    }

    /// CrowdSec's `cscli decisions import` CSV, as its documentation gives it: a header
    /// of duration, reason, scope, type, value, then one ban per address: with --all-bans
    /// every address ever banned, for ten years; by default and with --active-at, the bans
    /// running then, each for what is left of it.
    @Test func crowdsecImportCSV() throws {
        let config = try Self.makeConfig()
        let out = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "crowdsec", "--all-bans"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.first == "duration,reason,scope,type,value")
        let banned = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "list"]).stdout
            .split(separator: "\n").map(String.init)
        #expect(Set(lines.dropFirst().map { String($0.split(separator: ",")[4]) }) == Set(banned))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("315360000s,failscan-sshd,ip,ban,") }, "a permanent blocklist")
        // By default: the bans running at the last failure, each for what it has left.
        let running = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "crowdsec"])
        let left = running.stdout.split(separator: "\n").dropFirst().map { Int($0.prefix { $0.isNumber })! }
        #expect(!left.isEmpty && left.count <= banned.count && left.allSatisfy { $0 >= 1 && $0 <= 7200 }, "\(running.stdout)")
        let json = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "json"]).stdout
        let row = try #require(
            json.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { $0["banned"] as? Bool == true })
        let end = (row["until"] as! [Int]).last!
        let active = try TestSupport.failscan([
            "jails", "--config", config.path, "--jail", "sshd", "--format", "crowdsec", "--active-at", String(end - 100),
        ])
        #expect(active.stdout.contains("100s,failscan-sshd,ip,ban,\(row["ip"] as! String)"), "what is left of the ban")
        // The JSON form `cscli decisions import -i FILE.json` reads: the same decisions.
        let imported = try TestSupport.failscan([
            "jails", "--config", config.path, "--jail", "sshd", "--format", "crowdsec-json", "--active-at", String(end - 100),
        ])
        let decisions = try #require(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [[String: String]])
        #expect(
            decisions.map { "\($0["duration"]!),\($0["reason"]!),\($0["scope"]!),\($0["type"]!),\($0["value"]!)" }
                == active.stdout.split(separator: "\n").dropFirst().map(String.init))
        let kept = active.stdout.split(separator: "\n").count - 1
        #expect(kept < banned.count, "some bans had ended then")
        #expect(
            active.stderr.contains("\(banned.count - kept) ban\(banned.count - kept == 1 ? "" : "s") had ended by")
                && active.stderr.contains("--all-bans keeps every ban"), "\(active.stderr)")
    }

    /// A fail2ban-server root in a temporary folder (its own socket, pid file, log and
    /// database; polling backend; dummy action) whose sshd jail watches `auth.log` there.
    static func makeServerRoot() throws -> URL {
        try LiveServer.make { path in
            "[DEFAULT]\nbackend = polling\nbanaction = dummy\naction = dummy[target=\(path)/dummy.txt]\n[sshd]\nenabled = true\nlogpath = \(path)/auth.log\nbantime = 7200\nmaxretry = 3\nfindtime = 1h\n"
        }.root
    }

    /// Starts the server of `root`, waits until `done` accepts its sshd status (banned
    /// addresses, total failures) or five seconds pass, stops it, returns the last status.
    static func serverStatus(_ root: URL, until done: (Set<String>, Int) -> Bool) throws -> (banned: Set<String>, failed: Int) {
        let server = LiveServer(root: root)
        return try server.running { try server.poll("sshd", until: done) }
    }

    /// The handoff: a fail2ban-server started on failscan's database restores its bans and
    /// carries on where failscan stopped in each log (the `logs` table: first-line hash and
    /// position), so it neither reads the lines again nor counts their failures twice. The
    /// control run, the same server and log without the database, finds every failure.
    @Test func fail2banServerRestoresThePreloadedDatabase() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/fail2ban-client"), Comment(rawValue: TestSupport.fail2banHint))
        // Failures of the last minutes, in the server's local time: within findtime.
        var log = ""
        let now = Int(Date().timeIntervalSince1970)
        let formatter = Self.utcFormatter("MMM dd HH:mm:ss")
        for k in 0..<18 {
            let date = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(now - 900 + 30 * k)))
            log += "\(date) host sshd[\(4000 + k)]: Failed password for root from 192.0.2.\(10 + k % 3) port \(40000 + k) ssh2\n"
        }
        let control = try Self.makeServerRoot()
        try log.write(to: control.appendingPathComponent("auth.log"), atomically: true, encoding: .utf8)
        let fresh = try Self.serverStatus(control) { _, failed in failed >= 18 }
        #expect(fresh.failed == 18, "a server without the handoff reads the whole log")

        let root = try Self.makeServerRoot()
        try log.write(to: root.appendingPathComponent("auth.log"), atomically: true, encoding: .utf8)
        let db = root.appendingPathComponent("fail2ban.sqlite3").path
        let written = try TestSupport.failscan([
            "jails", "--config", root.path, "--jail", "sshd", "--format", "fail2ban-db", "--output", db,
        ])
        #expect(written.status == 0, "\(written.stderr)")
        let expected = try TestSupport.failscan(
            ["jails", "--config", root.path, "--jail", "sshd", "--format", "list"], environment: ["TZ": "UTC"])
        let addresses = Set(expected.stdout.split(separator: "\n").map(String.init))
        #expect(addresses == ["192.0.2.10", "192.0.2.11", "192.0.2.12"])
        let rows = try TestSupport.run("/usr/bin/sqlite3", [db, "SELECT path, firstlinemd5, lastfilepos FROM logs WHERE jail = 'sshd'"])
        let firstLine = String(log.prefix { $0 != "\n" }) + "\n"
        // fail2ban 1.0 on Python 3 keeps SHA-1 in the column named firstlinemd5.
        let hash = try TestSupport.run("/bin/sh", ["-c", "printf '%s\\n' \"$0\" | sha1sum", String(firstLine.dropLast())])
        #expect(
            rows.stdout == "\(root.path)/auth.log|\(hash.stdout.prefix(40))|\(log.utf8.count)\n",
            "the logs table names the file, its first line's hash and its end")
        // Five seconds of polling: time for the server to read the log, were it to read it.
        let taken = try Self.serverStatus(root) { _, _ in false }
        #expect(taken.banned == addresses, "the preloaded bans are restored")
        #expect(taken.failed == 0, "the server carries on at the end of the log: nothing read twice")
    }

    /// The strongest oracle: a real fail2ban-server (polling backend, dummy action, its own
    /// socket and database) reading logs of the last 40 minutes with four jails (sshd,
    /// dovecot, postfix-sasl, the seed dovecot), steady and bursty attackers, IPv4 and IPv6,
    /// each jail over a rotated file and the live one, sshd sessions cut by the rotation,
    /// bantime.increment on the dovecot jail. `failscan jails --no-rotated` over the same
    /// configuration must ban the same addresses, each from the same time until the same
    /// time (prolongations included).
    @Test func sameBansAndEndTimesAsALiveFail2banServer() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/fail2ban-client"), Comment(rawValue: TestSupport.fail2banHint))
        let seed = try String(contentsOfFile: TestSupport.corpus("filters/dovecot.conf"), encoding: .utf8)
        let end = Int(Date().timeIntervalSince1970) - 60
        let server = try LiveServer.make(
            jailLocal: { path in
                let auth = "\(path)/auth.log.1\n          \(path)/auth.log"
                let mail = "\(path)/mail.log.1\n          \(path)/mail.log"
                return """
                    [DEFAULT]
                    backend = polling
                    banaction = dummy
                    action = dummy[target=\(path)/dummy.txt]
                    bantime = 2h
                    findtime = 1h
                    [sshd]
                    enabled = true
                    logpath = \(auth)
                    maxretry = 3
                    [dovecot]
                    enabled = true
                    logpath = \(mail)
                    bantime.increment = true
                    [postfix-sasl]
                    enabled = true
                    logpath = \(mail)
                    maxretry = 3
                    [dovecot-seed]
                    enabled = true
                    filter = dovecot-seed-host
                    logpath = \(mail)
                    maxretry = 4
                    """
            },
            filters: ["dovecot-seed-host.conf": seed.replacingOccurrences(of: #"rip=(?P<HOST>\S*),"#, with: "rip=<HOST>,")])
        let generate = try TestSupport.run(
            "/usr/bin/python3",
            [
                TestSupport.packageRoot.appendingPathComponent("Corpus/generate.py").path, "recent", "--end", String(end), "--minutes",
                "40", server.path,
            ])
        #expect(generate.status == 0, "\(generate.stderr)")
        let jails = ["sshd", "dovecot", "postfix-sasl", "dovecot-seed"]
        let theirs = try server.running {
            try server.waitUntilSettled(jails)
            return try Dictionary(uniqueKeysWithValues: jails.map { ($0, try server.bans($0)) })
        }
        let mine = try server.failscanBans(["--no-rotated"])
        // With bantime.increment (dovecot here) a known bad address's failures count more
        // once fail2ban's observer thread gets to them: how soon is thread timing, so the end
        // of a prolonged ban varies from run to run of the same server. failscan applies the
        // observer in order (checked against fail2ban's own classes in
        // bantimeIncrementAsFail2bansObserver); here the bans and their starts must agree.
        LiveServer.expectSameBans(theirs, mine, jails: jails, startsOnly: ["dovecot"])
        #expect(
            (mine["sshd"] ?? [:]).keys.contains { $0.contains(":") } || (mine["dovecot"] ?? [:]).keys.contains { $0.contains(":") },
            "IPv6 bans")
    }

    /// fail2ban's own Jail, FailManager, BanManager, in-memory database and ObserverThread
    /// (`failureFound`, `banFound`), called in order for each failure with fail2ban's clock
    /// at its time: what `bantime.increment` makes of a list of failures.
    static let incrementOracle = #"""
        import json, sys
        from fail2ban.server.jail import Jail
        from fail2ban.server.database import Fail2BanDb
        from fail2ban.server.observer import ObserverThread
        from fail2ban.server.mytime import MyTime
        from fail2ban.server.ticket import FailTicket, BanTicket
        spec = json.load(sys.stdin)
        db = Fail2BanDb(':memory:')
        jail = Jail('inc', backend='polling', db=db)
        jail.isAlive = lambda: True
        db.addJail(jail)
        for k, v in spec.get("extra", {}).items():
            jail.setBanTimeExtra(k, v)
        fm = jail.filter.failManager
        fm.setMaxRetry(spec["maxretry"]); fm.setMaxTime(spec["findtime"])
        bm = jail.actions.banManager
        bm.setBanTime(spec["bantime"])
        obs = ObserverThread()
        bans = {}
        def check():
            while True:
                ticket = jail.getFailTicket()
                if not ticket: return
                bTicket = BanTicket.wrap(ticket)
                btime = ticket.getBanTime(bm.getBanTime())
                reason = {}
                ip = str(bTicket.getID())
                if bm.addBanTicket(bTicket, reason):
                    obs.banFound(bTicket, jail, btime)
                    bans.setdefault(ip, []).append([int(bTicket.getTime()), int(bTicket.getEndOfBanTime(bm.getBanTime()))])
                elif "ticket" in reason:
                    bans[ip][-1][1] = int(reason["ticket"].getEndOfBanTime(bm.getBanTime()))
        for t, ip in spec["events"]:
            MyTime.setTime(t)
            bm.unBanList(t)
            fm.cleanup(t)
            tick = FailTicket(ip, t)
            if fm.addFailure(tick) >= fm.getMaxRetry():
                jail.filter.performBan(ip)
            check()
            obs.failureFound(jail, tick)
            check()
        json.dump(bans, sys.stdout)
        """#

    /// `bantime.increment`: repeat offenders get longer bans (the default formula, the
    /// exponential one, multipliers, factor and maxtime) and their failures count more after
    /// a ban; failscan gives each ban the start and end fail2ban's own classes give.
    @Test(arguments: [
        ["increment": "true"],
        ["increment": "true", "multipliers": "1 5 30 60"],
        ["increment": "true", "factor": "2", "maxtime": "3000"],
        ["increment": "true", "formula": "ban.Time * math.exp(float(ban.Count+1)*banFactor)/math.exp(1*banFactor)"],
    ])
    func bantimeIncrementAsFail2bansObserver(_ extra: [String: String]) throws {
        try #require(TestSupport.fail2banRegex != nil, Comment(rawValue: TestSupport.fail2banHint))
        var generator = SeededGenerator(seed: 99)
        var events: [(Int, String)] = []
        for host in 1...12 {
            var t = 1_790_000_000 + Int.random(in: 0..<600, using: &generator)
            for _ in 0..<Int.random(in: 4...14, using: &generator) {
                for _ in 0..<Int.random(in: 1...5, using: &generator) {
                    events.append((t, "192.0.2.\(host)"))
                    t += Int.random(in: 1...90, using: &generator)
                }
                t += Int.random(in: 100...2400, using: &generator)
            }
        }
        events.sort { $0.0 < $1.0 }
        let root = try TestSupport.temporaryDirectory()
        let filters = root.appendingPathComponent("filter.d")
        try FileManager.default.createDirectory(at: filters, withIntermediateDirectories: true)
        try "[Definition]\nfailregex = auth failed from <HOST>$\n".write(
            to: filters.appendingPathComponent("evt.conf"), atomically: true, encoding: .utf8)
        let formatter = Self.utcFormatter("yyyy-MM-dd HH:mm:ss")
        let log = events.map { "\(formatter.string(from: Date(timeIntervalSince1970: TimeInterval($0.0)))) auth failed from \($0.1)\n" }
            .joined()
        try log.write(to: root.appendingPathComponent("evt.log"), atomically: true, encoding: .utf8)
        let settings = extra.map { "bantime.\($0.key) = \($0.value)" }.sorted().joined(separator: "\n")
        try
            "[evt]\nenabled = true\nfilter = evt\nlogpath = \(root.path)/evt.log\nmaxretry = 3\nfindtime = 600\nbantime = 300\n\(settings)\n"
            .write(to: root.appendingPathComponent("jail.conf"), atomically: true, encoding: .utf8)
        let ours = try TestSupport.failscan(["jails", "--config", root.path, "--format", "json"], environment: ["TZ": "UTC"])
        #expect(ours.status == 0, "\(ours.stderr)")
        var mine: [String: [[Int]]] = [:]
        for row in ours.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            guard object["banned"] as? Bool == true else { continue }
            mine[object["ip"] as! String] = zip(object["bans"] as! [Int], object["until"] as! [Int]).map { [$0, $1] }
        }
        let spec = try JSONSerialization.data(withJSONObject: [
            "maxretry": 3, "findtime": 600, "bantime": 300, "extra": extra, "events": events.map { [$0.0, $0.1] as [Any] },
        ])
        try spec.write(to: root.appendingPathComponent("spec.json"))
        let script = root.appendingPathComponent("oracle.py")
        try Self.incrementOracle.write(to: script, atomically: true, encoding: .utf8)
        let reference = try TestSupport.run(
            "/bin/sh", ["-c", "/usr/bin/python3 '\(script.path)' < '\(root.path)/spec.json' 2>/dev/null"], environment: ["TZ": "UTC"])
        #expect(reference.status == 0, "\(reference.stderr)")
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as? [String: [[Int]]])
        #expect(theirs.values.contains { $0.count >= 3 }, "some address is banned three times or more")
        #expect(mine == theirs)
    }

    /// The recidive jail fed by the replay's own bans (`--recidive-from-replay`) bans what
    /// the same jail bans reading a fail2ban.log that says those bans (written from the
    /// other jails' JSON rows in fail2ban's log format, read by the stock recidive filter).
    @Test func recidiveFromTheReplayEqualsRecidiveOnFail2bansLog() throws {
        let config = try Self.makeConfig()
        let log = config.appendingPathComponent("fail2ban.log").path
        let local = try String(contentsOf: config.appendingPathComponent("jail.local"), encoding: .utf8)
        try (local + "\n[recidive]\nenabled = true\nlogpath = \(log)\nmaxretry = 2\nfindtime = 1d\nbantime = 1w\n").write(
            to: config.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        let env = ["TZ": "UTC"]
        let fed = try TestSupport.failscan(
            ["jails", "--config", config.path, "--format", "json", "--recidive-from-replay"], environment: env)
        #expect(fed.status == 0, "\(fed.stderr)")
        let rows = try fed.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        // fail2ban.log as fail2ban writes it, one line per ban of the other jails, in time order.
        let formatter = Self.utcFormatter("yyyy-MM-dd HH:mm:ss")
        var lines: [(Int, String)] = []
        for row in rows where row["jail"] as! String != "recidive" {
            for start in row["bans"] as! [Int] {
                let date = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(start)))
                lines.append(
                    (start, "\(date),123 fail2ban.actions        [4242]: NOTICE  [\(row["jail"] as! String)] Ban \(row["ip"] as! String)\n")
                )
            }
        }
        try lines.sorted { $0.0 < $1.0 }.map(\.1).joined().write(toFile: log, atomically: true, encoding: .utf8)
        let read = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "recidive", "--format", "json"], environment: env)
        #expect(read.status == 0, "\(read.stderr)")
        func recidive(_ text: String) throws -> [String: [Int]] {
            var out: [String: [Int]] = [:]
            for line in text.split(separator: "\n") {
                let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                if row["jail"] as! String == "recidive", row["banned"] as! Bool { out[row["ip"] as! String] = row["bans"] as? [Int] }
            }
            return out
        }
        let fromReplay = try recidive(fed.stdout), fromLog = try recidive(read.stdout)
        #expect(!fromReplay.isEmpty, "addresses banned by several jails should fall to recidive")
        #expect(fromReplay == fromLog)
    }

    /// `--format sqlite`: every failure and every ban, read back with sqlite3: per jail and
    /// address the failures and bans of the JSON rows, users where the filter captures
    /// them, and each failure's file and line number naming a line that holds its address.
    @Test func sqliteReportHoldsEveryFailureAndBan() throws {
        let config = try Self.makeConfig()
        let db = try TestSupport.temporaryDirectory().appendingPathComponent("report.sqlite").path
        let env = ["TZ": "UTC"]
        let out = try TestSupport.failscan(["jails", "--config", config.path, "--format", "sqlite", "--output", db], environment: env)
        #expect(out.status == 0, "\(out.stderr)")
        let json = try TestSupport.failscan(["jails", "--config", config.path, "--format", "json"], environment: env)
        var failures: [String: Int] = [:]
        var bans: [String: [Int]] = [:]
        for row in json.stdout.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as! [String: Any]
            let key = "\(object["jail"] as! String) \(object["ip"] as! String)"
            failures[key] = object["failures"] as? Int
            if object["banned"] as! Bool { bans[key] = object["bans"] as? [Int] }
        }
        func query(_ sql: String) throws -> [String] {
            let run = try TestSupport.run("/usr/bin/sqlite3", ["-separator", " ", db, sql])
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout.split(separator: "\n").map(String.init)
        }
        var stored: [String: Int] = [:]
        for line in try query("SELECT jail, ip, count(*) FROM failures GROUP BY jail, ip") {
            let parts = line.split(separator: " ")
            stored["\(parts[0]) \(parts[1])"] = Int(parts[2])
        }
        #expect(stored == failures)
        var storedBans: [String: [Int]] = [:]
        for line in try query("SELECT jail, ip, start FROM bans ORDER BY jail, ip, start") {
            let parts = line.split(separator: " ")
            storedBans["\(parts[0]) \(parts[1])", default: []].append(Int(parts[2])!)
        }
        #expect(storedBans == bans)
        #expect(Int(try query("SELECT count(*) FROM failures WHERE jail = 'dovecot' AND user IS NOT NULL").first ?? "0")! > 0)
        for line in try query(
            "SELECT f.path, failures.line, failures.ip FROM failures JOIN files f ON f.id = failures.file WHERE f.path NOT LIKE '%.gz' ORDER BY random() LIMIT 20"
        ) {
            let parts = line.split(separator: " ").map(String.init)
            let lines = try Data(contentsOf: URL(fileURLWithPath: parts[0])).split(separator: 10, omittingEmptySubsequences: false)
            let text = String(decoding: lines[Int(parts[1])! - 1], as: UTF8.self)
            #expect(text.contains(parts[2]), "\(parts[0]):\(parts[1]) holds \(parts[2])")
        }
    }

    @Test func csvAndSlidingWindow() throws {
        let config = try Self.makeConfig()
        let csv = try TestSupport.failscan(["jails", "--config", config.path, "--format", "csv", "--jail", "sshd"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "ip,jail,failures,first,last,banned,bans,until,failregex_hits")
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",")[1] == "sshd" })
        let sliding = try TestSupport.failscan(["jails", "--config", config.path, "--window", "sliding", "--jail", "sshd"])
        #expect(sliding.status == 0)
        #expect(!sliding.stdout.isEmpty)
        let bad = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "nosuchjail"])
        #expect(bad.status == 2)
    }
}
