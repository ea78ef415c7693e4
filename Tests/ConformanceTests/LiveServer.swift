import Foundation
import TestSupport
import Testing

/// A real fail2ban-server of a test's own: a configuration root in a temporary folder (the
/// installed fail2ban.conf, jail.conf, paths and actions linked, a filter.d of links to the
/// installed filters plus the test's own, and its log, socket, pid file and database in
/// the root), driven by fail2ban-client with TZ=UTC.
struct LiveServer {
    let root: URL
    var path: String { root.path }
    static let environment = ["TZ": "UTC"]

    /// A root with `jailLocal(root path)` as its jail.local and `filters` (file name: text)
    /// beside the installed filters.
    static func make(jailLocal: (String) -> String, filters: [String: String] = [:]) throws -> LiveServer {
        let root = try TestSupport.temporaryDirectory()
        let fm = FileManager.default
        for name in ["fail2ban.conf", "jail.conf", "paths-common.conf", "paths-debian.conf", "action.d"] {
            try fm.createSymbolicLink(atPath: root.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/\(name)")
        }
        let filterDirectory = root.appendingPathComponent("filter.d")
        try fm.createDirectory(at: filterDirectory, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: "/etc/fail2ban/filter.d") {
            try fm.createSymbolicLink(
                atPath: filterDirectory.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/filter.d/\(name)")
        }
        for (name, text) in filters {
            try text.write(to: filterDirectory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let path = root.path
        try
            "[Definition]\nlogtarget = \(path)/fail2ban.log\nsocket = \(path)/fail2ban.sock\npidfile = \(path)/fail2ban.pid\ndbfile = \(path)/fail2ban.sqlite3\n"
            .write(to: root.appendingPathComponent("fail2ban.local"), atomically: true, encoding: .utf8)
        try jailLocal(path).write(to: root.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        return LiveServer(root: root)
    }

    /// fail2ban-client on this root.
    func client(_ arguments: [String]) throws -> TestSupport.Output {
        try TestSupport.run("/usr/bin/fail2ban-client", ["-c", path] + arguments, environment: Self.environment)
    }

    /// Starts the server, runs `body`, stops the server.
    func running<T>(_ body: () throws -> T) throws -> T {
        let start = try client(["-x", "start"])
        #expect(start.status == 0, "\(start.stderr)")
        defer { _ = try? client(["stop"]) }
        return try body()
    }

    /// A jail's banned addresses and total failures, when the server answers.
    func status(_ jail: String) throws -> (banned: Set<String>, failed: Int)? {
        let lines = try client(["status", jail]).stdout.split(separator: "\n")
        func value(_ key: String) -> Substring? { lines.first { $0.contains(key) }.map { $0.split(separator: ":", maxSplits: 1)[1] } }
        guard let list = value("Banned IP list"), let failed = value("Total failed") else { return nil }
        return (
            Set(list.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)),
            Int(failed.trimmingCharacters(in: .whitespaces)) ?? -1
        )
    }

    /// Polls `jail`'s status every 0.1 s until `done` accepts it or `tries` polls pass;
    /// the last status.
    func poll(_ jail: String, tries: Int = 50, until done: (Set<String>, Int) -> Bool) throws -> (banned: Set<String>, failed: Int) {
        var last: (banned: Set<String>, failed: Int) = ([], -1)
        for _ in 0..<tries {
            if let status = try status(jail) {
                last = status
                if done(status.banned, status.failed) { break }
            }
            usleep(100_000)
        }
        return last
    }

    /// Waits until every jail's failure count stays put for a second (at most `tries` polls).
    func waitUntilSettled(_ jails: [String], tries: Int = 150) throws {
        var last: [Int] = []
        var stable = 0
        for _ in 0..<tries where stable < 10 {
            usleep(100_000)
            let counts = try jails.map { try status($0)?.failed ?? -1 }
            stable = counts == last && !counts.contains(-1) ? stable + 1 : 0
            last = counts
        }
    }

    /// `jail`'s bans as the server holds them: address -> [start, end] (from `get JAIL
    /// banip --with-time`, local time being UTC).
    func bans(_ jail: String) throws -> [String: [Int]] {
        let formatter = JailReplayTests.utcFormatter("yyyy-MM-dd HH:mm:ss")
        var bans: [String: [Int]] = [:]
        for line in try client(["get", jail, "banip", "--with-time"]).stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            guard parts.count == 2 else { continue }
            let times = parts[1].components(separatedBy: " + ")
            guard times.count == 2, let start = formatter.date(from: times[0]),
                let endText = times[1].components(separatedBy: " = ").last, let end = formatter.date(from: endText)
            else { continue }
            bans[parts[0].trimmingCharacters(in: .whitespaces)] = [Int(start.timeIntervalSince1970), Int(end.timeIntervalSince1970)]
        }
        return bans
    }

    /// `failscan jails --format json` over this root's configuration: per jail, each banned
    /// address's last ban as [start, end].
    func failscanBans(_ extra: [String] = []) throws -> [String: [String: [Int]]] {
        let ours = try TestSupport.failscan(["jails", "--config", path, "--format", "json"] + extra, environment: Self.environment)
        #expect(ours.status == 0, "\(ours.stderr)")
        var mine: [String: [String: [Int]]] = [:]
        for row in ours.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            guard object["banned"] as? Bool == true else { continue }
            let bans = object["bans"] as! [Int], until = object["until"] as! [Int]
            mine[object["jail"] as! String, default: [:]][object["ip"] as! String] = [bans.last!, until.last!]
        }
        return mine
    }

    /// Expects failscan to ban what fail2ban banned in each jail, each address from the same
    /// second until the same second (the start only in the jails of `startsOnly`).
    static func expectSameBans(
        _ theirs: [String: [String: [Int]]], _ mine: [String: [String: [Int]]], jails: [String], startsOnly: Set<String> = []
    ) {
        for jail in jails {
            let a = theirs[jail] ?? [:], b = mine[jail] ?? [:]
            #expect(a.count >= 3, "\(jail): the live server should ban")
            #expect(
                Set(a.keys) == Set(b.keys),
                "\(jail): banned by fail2ban only \(Set(a.keys).subtracting(b.keys)), by failscan only \(Set(b.keys).subtracting(a.keys))")
            for (ip, span) in a where b[ip] != nil {
                if startsOnly.contains(jail) {
                    #expect(b[ip]?.first == span[0], "\(jail) \(ip): fail2ban bans from \(span[0]), failscan from \(b[ip]![0])")
                } else {
                    #expect(b[ip] == span, "\(jail) \(ip): fail2ban bans \(span), failscan \(b[ip]!)")
                }
            }
        }
    }
}
