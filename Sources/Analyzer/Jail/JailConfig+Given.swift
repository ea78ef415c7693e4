import Fail2banConfig

extension JailConfig {
    /// What is wrong with a jail's values as `failscan scan` takes them (`--maxretry`,
    /// `--findtime`, `--bantime` with jail.conf's units, `--ignoreip`, `--name`), said for
    /// the option; nil when every value is valid.
    package static func problem(maxRetry: Int, findTime: String, banTime: String, ignoreIP: [String], name: String?) -> String? {
        if maxRetry < 1 || maxRetry > maxRetryLimit { return "--maxretry must be from 1 to \(maxRetryLimit)" }
        guard let find = Duration.seconds(findTime), find >= 0 else {
            return "--findtime \(findTime): not a time of 0 or more (600, 10m, 1h)"
        }
        guard let ban = Duration.seconds(banTime), ban >= -1 else { return "--bantime \(banTime): not a time (600, 10m, 1h, -1)" }
        for entry in ignoreIP where CIDR(entry) == nil {
            return "--ignoreip \(entry) is not an address or network (host names are not resolved)"
        }
        if let name, name.isEmpty || name.contains(where: { $0 == " " || $0 == "\t" }) || name.count > 24 {
            return "--name must be a short word without spaces (iptables limits chain names)"
        }
        return nil
    }
}
