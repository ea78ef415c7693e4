extension String {
    /// The string with zeros in front up to `width` characters (hex and fraction digits).
    package func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
