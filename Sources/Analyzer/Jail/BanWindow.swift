import Fail2banConfig

/// How failures become bans.
package enum BanWindow: String, Sendable, CaseIterable {
    /// fail2ban's FailManager: one ticket per address, its retry count estimated down
    /// when the ticket outlives findtime, forgotten findtime after its last failure,
    /// a ban at maxretry (the ticket is then dropped).
    case failmanager
    /// The textbook rule: maxretry failures within any findtime interval.
    case sliding
}
