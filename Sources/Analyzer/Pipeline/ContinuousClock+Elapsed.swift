extension ContinuousClock.Instant {
    /// Seconds from this instant to now (a run's figure for reports and statistics).
    package var secondsElapsed: Double {
        let elapsed = (ContinuousClock.now - self).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}
