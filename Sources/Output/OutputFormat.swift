/// What `failscan scan` and `failscan jails` write.
public enum OutputFormat: String, Sendable, CaseIterable {
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
    /// A fail2ban sqlite database to start fail2ban-server on (needs a file).
    case fail2banDB = "fail2ban-db"
    /// failscan's forensic sqlite database: every failure and every ban (needs a file;
    /// ``SQLiteReport``).
    case sqlite
    /// A self-contained HTML report (``HTMLReport``): summary, timeline, top addresses,
    /// networks and a table of addresses.
    case html

    /// Whether the format goes to a firewall (addresses only; other ids are left out).
    public var isFirewall: Bool { ![.list, .json, .csv, .sqlite, .html].contains(self) }

    /// Whether the format is a database written to a file (it needs `--output`).
    public var isDatabase: Bool { self == .fail2banDB || self == .sqlite }
}
