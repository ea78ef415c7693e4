/// Which group a failure's id came from, in fail2ban's order of preference.
public enum FailureIDKind: String, Sendable {
    case ip4, ip6, dns, host, fid
}

/// A failure found in one line. Its buffers point into the subject or the scratch and
/// are valid until the next match with the same scratch.
public struct FailureCapture {
    /// 0-based index of the failregex that matched (fail2ban-regex numbers from 1).
    public let failregexIndex: Int
    /// The failure id: an address, a host name or an `<F-ID>`.
    public let id: UnsafeBufferPointer<UInt8>
    /// What the failure id is: an address, a host name or an `<F-ID>` value.
    public let idKind: FailureIDKind
    /// Every named group of the prefregex and the failregex, merged as fail2ban merges
    /// them into its failure (`<F-USER>` as `user`, `<F-ALT_USER1>` filling `user` when
    /// that is empty, and so on), by slot of the matcher's ``FieldLayout``; only when
    /// asked for, nil otherwise.
    public let values: FieldValues?
    /// The `user` group alone, when only it was asked for (``FieldRequest/user``) and read
    /// straight from the match; nil otherwise (then ``values`` has it, if asked for).
    public let user: UnsafeBufferPointer<UInt8>?

    /// A capture of the given id kind and byte ranges.
    public init(
        failregexIndex: Int, id: UnsafeBufferPointer<UInt8>, idKind: FailureIDKind, values: FieldValues?,
        user: UnsafeBufferPointer<UInt8>? = nil
    ) {
        self.failregexIndex = failregexIndex
        self.id = id
        self.idKind = idKind
        self.values = values
        self.user = user
    }

    /// The fields by name (fail2ban's failure dict).
    public func fields(_ layout: FieldLayout) -> [String: String]? { values?.dictionary(layout) }
}

/// The named groups a match gives with its failure.
public enum FieldRequest: Sendable {
    /// None: the failure id alone.
    case none
    /// The user (`<F-USER>`), as every field would give it: ``FailureCapture/user``, or
    /// ``FailureCapture/values`` when a prefregex or an alternate takes part.
    case user
    /// Every field (``FailureCapture/values``).
    case all
}
