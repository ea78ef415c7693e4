/// What `failscan scan`, `jails` and `reduce` write.
package enum OutputFormat: String, Sendable, CaseIterable {
    /// Banned addresses, one per line.
    case list
    /// JSON Lines: one object per id and jail (``JailRow``).
    case json
    /// The same fields as `json`, one row per id and jail.
    case csv
    /// An `iptables-restore` file with the banned IPv4 addresses.
    case iptables
    /// An `ip6tables-restore` file with the banned IPv6 addresses.
    case ip6tables
    /// `ipset restore` input: a hash:ip set per jail and family.
    case ipset
    /// An `nft -f` file: a table with sets per jail and drop rules for the jail's
    /// protocol and ports.
    case nft
    /// A shell script of `firewall-cmd --permanent` commands: an ipset per jail and
    /// family and a rich rule rejecting it for the jail's protocol and ports.
    case firewalld
    /// CSV for CrowdSec's `cscli decisions import -i FILE`: duration, reason, scope, type,
    /// value.
    case crowdsec
    /// The same decisions as the JSON array `cscli decisions import -i FILE.json` reads.
    case crowdsecJSON = "crowdsec-json"
    /// A fail2ban sqlite database to start fail2ban-server on (needs a file).
    case fail2banDB = "fail2ban-db"
    /// failscan's forensic sqlite database: every failure and every ban (needs a file;
    /// ``SQLiteReport``).
    case sqlite
    /// A self-contained HTML report (``HTMLReport``): summary, timeline, top addresses,
    /// networks and a table of addresses.
    case html

    /// The formats in one sentence (`failscan jails --help`): a new format says itself here.
    package static let summary =
        "list (banned addresses), json and csv (one record per address and jail), iptables and ip6tables (iptables-restore files like fail2ban's iptables-multiport action), ipset, nft, firewalld, crowdsec (CSV) and crowdsec-json (cscli decisions import), fail2ban-db (a fail2ban sqlite database to start fail2ban-server on), sqlite (every failure and ban), html (a forensic report)."

    /// What a format is, for the rules that differ between kinds.
    package enum Kind: Sendable {
        /// Records of ids for people and scripts (list, json, csv).
        case text
        /// A file a firewall loads: addresses only.
        case firewall
        /// A database written to a file.
        case database
        /// A report for a browser.
        case report
    }

    package var kind: Kind {
        switch self {
        case .list, .json, .csv: .text
        case .iptables, .ip6tables, .ipset, .nft, .firewalld, .crowdsec, .crowdsecJSON: .firewall
        case .fail2banDB, .sqlite: .database
        case .html: .report
        }
    }

    /// Whether the format goes to a firewall (addresses only; other ids are left out).
    package var isFirewall: Bool { kind == .firewall }

    /// Whether the format is a database written to a file (it needs `--output`).
    package var isDatabase: Bool { kind == .database }

    /// Whether the output holds banned addresses only: ids that are not addresses, and
    /// addresses no firewall can hold (loopback, multicast), are left out.
    package var holdsAddressesOnly: Bool { kind == .firewall || self == .list }

    /// The writer of this format.
    package func writer(_ settings: OutputSettings) -> any OutputWriter {
        switch self {
        case .list: RenderedWriter(JailText(.list), settings)
        case .json: RenderedWriter(JailText(.json), settings)
        case .csv: RenderedWriter(JailText(.csv), settings)
        case .iptables: RenderedWriter(firewall: IptablesFile(ipv6: false, prefix: settings.namePrefix), settings)
        case .ip6tables: RenderedWriter(firewall: IptablesFile(ipv6: true, prefix: settings.namePrefix), settings)
        case .ipset: RenderedWriter(firewall: IpsetFile(prefix: settings.namePrefix), settings)
        case .nft: RenderedWriter(firewall: NftFile(prefix: settings.namePrefix), settings)
        case .firewalld: RenderedWriter(firewall: FirewalldFile(prefix: settings.namePrefix), settings)
        case .crowdsec: RenderedWriter(firewall: CrowdsecFile(prefix: settings.namePrefix), settings)
        case .crowdsecJSON: RenderedWriter(firewall: CrowdsecFile(prefix: settings.namePrefix, json: true), settings)
        case .fail2banDB: Fail2banDatabaseWriter(settings)
        case .sqlite: SQLiteWriter(settings)
        case .html: HTMLWriter(settings)
        }
    }
}
