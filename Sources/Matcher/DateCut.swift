import CMemSearch

/// Where fail2ban may cut a date out of a line before its regexes run: the prefilter
/// searches the raw line, so its literals must survive the cut.
public enum DateCut: Sendable, Equatable {
    /// Only at line start (line-begin anchored templates, or no date at all).
    case lineStart
    /// Anywhere, by templates whose date text is bounded by non-word bytes.
    case bounded
    /// Anywhere, without boundaries (`{UNB}`, `**`): no literal is safe.
    case unbounded
}
