import Foundation
import TestSupport
import Testing

/// Issue 26: firewall files a sysadmin loads as they load things: twice, a newer one over an
/// older one, next to a running fail2ban. Each file is loaded with the literal load command
/// of its header, by the real client, in a private network namespace (`unshare -rn`) that
/// already holds a fail2ban chain, set or table with a ban; the rulesets are compared as the
/// clients save them.
@Suite struct PreloadFileTests {
    /// A format: how the namespace is set up with fail2ban's own objects, how it is saved.
    struct Client {
        let format: String
        /// Commands that create fail2ban's objects (with a ban of 10.9.9.9 / 2001:db8::9).
        let fail2ban: String
        /// The command that prints the ruleset (timeouts and generated-at lines masked).
        let save: String
    }

    static let clients = [
        Client(
            format: "iptables",
            fail2ban:
                "iptables -N f2b-sshd && iptables -A f2b-sshd -s 10.9.9.9 -j REJECT && iptables -A f2b-sshd -j RETURN && iptables -I INPUT -p tcp -m multiport --dports 22 -j f2b-sshd",
            save: "iptables-save | sed '/^#/d'"),
        Client(
            format: "ip6tables",
            fail2ban:
                "ip6tables -N f2b-sshd && ip6tables -A f2b-sshd -s 2001:db8::9 -j REJECT && ip6tables -I INPUT -p tcp -m multiport --dports 22 -j f2b-sshd",
            save: "ip6tables-save | sed '/^#/d'"),
        Client(
            format: "ipset",
            fail2ban:
                "ipset create f2b-sshd hash:ip timeout 600 && ipset add f2b-sshd 10.9.9.9 && iptables -I INPUT -p tcp -m set --match-set f2b-sshd src -j REJECT",
            save:
                "ipset save | sed 's/ timeout [0-9]*$/ timeout T/; s/ initval 0x[0-9a-f]*//' | sort && iptables-save | sed '/^#/d' && ip6tables-save | sed '/^#/d'"
        ),
        Client(
            format: "nft",
            fail2ban:
                "nft add table inet f2b-table && nft add set inet f2b-table addr-set-sshd '{ type ipv4_addr; }' && nft add element inet f2b-table addr-set-sshd '{ 10.9.9.9 }'",
            save: "nft list ruleset | sed 's/ expires [0-9hmsd]*//g'"),
    ]

    /// The header's `load (FILE: ...): COMMAND` and `undo: COMMAND`, FILE replaced.
    static func commands(_ text: String, file: String) throws -> (load: String, undo: String) {
        func line(_ marker: String) throws -> String {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("# failscan: \(marker)") }),
                let colon = line.range(of: marker == "load" ? "): " : "undo: ")
            else { throw PreloadError(reason: "no \(marker) line in the header") }
            return line[colon.upperBound...].replacingOccurrences(of: "FILE", with: "'\(file)'")
        }
        return (try line("load"), try line("undo"))
    }

    struct PreloadError: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// Two files of one configuration: every ban, and a newer, smaller one (the bans still
    /// running at the median ban's end).
    static func files(_ format: String, in scratch: URL) throws -> (older: String, newer: String) {
        let config = try JailReplayTests.makeConfig()
        let json = try TestSupport.failscan(["jails", "--config", config.path, "--format", "json"])
        let ends = json.stdout.split(separator: "\n").compactMap { line -> Int? in
            guard let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (row["until"] as? [Int])?.last
        }.sorted()
        let older = scratch.appendingPathComponent("older.\(format)").path
        let newer = scratch.appendingPathComponent("newer.\(format)").path
        let a = try TestSupport.failscan(["jails", "--config", config.path, "--format", format, "--output", older])
        let b = try TestSupport.failscan([
            "jails", "--config", config.path, "--format", format, "--output", newer, "--active-at", String(ends[ends.count / 2]),
        ])
        guard a.status == 0, b.status == 0, ends.count > 4 else { throw PreloadError(reason: a.stderr + b.stderr) }
        return (older, newer)
    }

    @Test(arguments: clients.map(\.format))
    func loadTwiceAndNewerOverOlder(_ format: String) throws {
        let client = Self.clients.first { $0.format == format }!
        let scratch = try TestSupport.temporaryDirectory()
        let (older, newer) = try Self.files(format, in: scratch)
        let olderText = try String(contentsOfFile: older, encoding: .utf8)
        let newerText = try String(contentsOfFile: newer, encoding: .utf8)
        // (The configuration bans IPv4 addresses only: ip6tables' files hold the chains alone.)
        let differs = format != "ip6tables"
        #expect(olderText != newerText || !differs, "the newer file holds fewer bans")
        #expect(!olderText.contains("f2b-"), "no fail2ban name")
        let (loadOlder, _) = try Self.commands(olderText, file: older)
        let (loadNewer, undo) = try Self.commands(newerText, file: newer)
        let marker = "=====failscan-save====="
        let script = """
            set -e
            \(client.fail2ban)
            save() { echo '\(marker)'; \(client.save); }
            save
            \(loadOlder)
            save
            \(loadOlder)
            save
            \(loadNewer)
            save
            \(undo)
            save
            \(loadNewer)
            save
            """
        let run = try TestSupport.run("/usr/bin/unshare", ["-rn", "/bin/sh", "-c", script])
        #expect(run.status == 0, "\(format): \(run.stderr)")
        // A filter table that only holds its built-in chains, empty, is no table (iptables-nft
        // creates it on first use and no ip6tables command removes it).
        let empty = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
        let saves = run.stdout.components(separatedBy: marker + "\n").dropFirst().map { $0.replacingOccurrences(of: empty, with: "") }
        try #require(saves.count == 6, "\(format): \(run.stdout)")
        let (before, once, twice, newerOverOlder, undone, newerAlone) = (saves[0], saves[1], saves[2], saves[3], saves[4], saves[5])
        #expect(once != before, "\(format): the file loaded something")
        #expect(twice == once, "\(format): a second load changes nothing\n\(once)\n---\n\(twice)")
        #expect(newerOverOlder == newerAlone, "\(format): newer over older is newer alone\n\(newerOverOlder)\n---\n\(newerAlone)")
        #expect(newerOverOlder != once || !differs, "\(format): the newer file replaced the older's bans")
        #expect(undone == before, "\(format): the undo leaves the ruleset as before\n\(before)\n---\n\(undone)")
        // fail2ban's own ban is in every save.
        for save in saves { #expect(save.contains(format == "ip6tables" ? "2001:db8::9" : "10.9.9.9"), "\(format)") }
    }

    /// 100,000 banned addresses in one jail load into ipset (a set sized past ipset's
    /// default 65,536) and nft (in one transaction), in a network namespace of their own.
    @Test func aHundredThousandAddressesLoad() throws {
        let scratch = try TestSupport.temporaryDirectory()
        let log = scratch.appendingPathComponent("auth.log")
        var text = ""
        text.reserveCapacity(100_000 * 90)
        for n in 0..<100_000 {
            text += "Dec  6 10:\(String(format: "%02d:%02d", n / 6000 % 60, n / 100 % 60)) host sshd[\(1000 + n % 30000)]: "
            text += "Failed password for root from 10.\(n >> 16 & 255).\(n >> 8 & 255).\(n & 255) port 22 ssh2\n"
        }
        try text.write(to: log, atomically: true, encoding: .utf8)
        for format in ["ipset", "nft"] {
            let file = scratch.appendingPathComponent("bans.\(format)").path
            let out = try TestSupport.failscan([
                "scan", "--filter", "sshd", "--maxretry", "1", "--bantime=-1", "--format", format, "--output", file, log.path,
            ])
            #expect(out.status == 0, "\(format): \(out.stderr)")
            let body = try String(contentsOfFile: file, encoding: .utf8)
            let (load, _) = try Self.commands(body, file: file)
            let count =
                format == "ipset"
                ? "ipset list failscan-sshd | sed -n 's/^Number of entries: //p'"
                : "nft --json list set inet failscan addr-set-sshd | python3 -c 'import json,sys; print(len([e for x in json.load(sys.stdin)[\"nftables\"] if \"set\" in x for e in x[\"set\"].get(\"elem\", [])]))'"
            // As root, as a sysadmin loads it: nft sizes its socket buffer for the batch with
            // CAP_NET_ADMIN, which a user namespace's root lacks (100,000 elements need ~5 MB).
            let namespace = getuid() == 0 ? "-n" : "-rn"
            let run = try TestSupport.run("/usr/bin/unshare", [namespace, "/bin/sh", "-c", "set -e; \(load); \(count)"])
            #expect(run.status == 0, "\(format): \(run.stderr.suffix(2000))")
            #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "100000", "\(format): \(run.stdout)")
        }
    }

    /// The options of the time model and the names: `--name-prefix` (fail2ban's `f2b`
    /// refused), `--active-at now` (logs of the past: every ban ended, each counted in the
    /// note), `--all-bans` (every ban, permanent; refused where it would do nothing).
    @Test func namesAndTimeOptions() throws {
        let config = try JailReplayTests.makeConfig()
        let site = try TestSupport.failscan([
            "jails", "--config", config.path, "--jail", "sshd", "--format", "iptables", "--name-prefix", "site",
        ])
        #expect(
            site.status == 0 && site.stdout.contains(":site-sshd - [0:0]") && site.stdout.contains("iptables -I INPUT -j site;"),
            "\(site.stdout)")
        #expect(!site.stdout.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains("failscan") })
        let nft = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "nft", "--name-prefix", "site"])
        #expect(nft.stdout.contains("table inet site {"))
        // nft keeps a jail name's hyphens (a hash only where a name does not fit).
        let hyphens = try TestSupport.failscan(["jails", "--config", config.path, "--format", "nft", "--all-bans"])
        #expect(
            hyphens.stdout.contains("set addr-set-dovecot-seed {") && hyphens.stdout.contains("ip saddr @addr-set-dovecot-seed tcp dport"))
        let fail2ban = try TestSupport.failscan(["jails", "--config", config.path, "--format", "nft", "--name-prefix", "f2b"])
        #expect(fail2ban.status == 64 && fail2ban.stderr.contains("fail2ban's own"), "\(fail2ban.stderr)")
        let all = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "list"]).stdout
        let banned = all.split(separator: "\n").count
        let now = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "ipset", "--active-at", "now"])
        #expect(now.status == 0 && !now.stdout.contains("\nadd "), "\(now.stdout)")
        #expect(
            now.stderr.contains("\(banned) bans had ended by") && now.stdout.contains("# failscan: the bans running at "), "\(now.stderr)")
        let everyBan = try TestSupport.failscan(["jails", "--config", config.path, "--jail", "sshd", "--format", "ipset", "--all-bans"])
        #expect(everyBan.stdout.components(separatedBy: "\nadd failscan-sshd-n ").count - 1 == banned, "\(everyBan.stdout)")
        #expect(
            everyBan.stdout.contains("timeout 0 -exist\n")
                && everyBan.stdout.contains("# failscan: every ban the logs gave (--all-bans), permanent"))
        // scan's --port and --protocol, validated as a jail's, said in the header.
        let log = TestSupport.corpus("logs/auth.log")
        let ports = try TestSupport.failscan([
            "scan", "--filter", "sshd", "--format", "nft", "--port", "ssh,2222", "--protocol", "tcp", log,
        ])
        #expect(
            ports.stdout.contains("ip saddr @addr-set-sshd tcp dport { ssh, 2222 } drop") && ports.stdout.contains("(tcp ports ssh,2222)"))
        let every = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "iptables", "--protocol", "all", log])
        #expect(every.stdout.contains("-A failscan -j failscan-sshd\n") && every.stdout.contains("(every protocol and port)"))
        let bad = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "nft", "--port", "22;reboot", log])
        #expect(bad.status == 64 && bad.stderr.contains("is not a port number"), "\(bad.stderr)")
        let protocolBad = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "nft", "--protocol", "icmp", log])
        #expect(protocolBad.status == 64 && protocolBad.stderr.contains("is not one of tcp, udp"), "\(protocolBad.stderr)")
        let unused = try TestSupport.failscan(["scan", "--filter", "sshd", "--port", "22", log])
        #expect(unused.status == 64 && unused.stderr.contains("--port and --protocol are for the firewall formats"))
        let list = try TestSupport.failscan(["jails", "--config", config.path, "--format", "list", "--all-bans"])
        #expect(list.status == 64 && list.stderr.contains("--all-bans is for the firewall formats"), "\(list.stderr)")
    }
}
